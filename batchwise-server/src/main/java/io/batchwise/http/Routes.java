package io.batchwise.http;

import io.vertx.ext.web.Router;

/** A group of HTTP endpoints; each front end (KServe v2, OpenAI, cost, ...) mounts its own. */
public interface Routes {
    /** Adds this group's routes to the router. */
    void mount(Router router);
}
