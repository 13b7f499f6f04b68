package io.batchwise.cost;

import io.batchwise.http.ErrorMapper;
import io.batchwise.http.Routes;
import io.batchwise.ledger.CostLedger;
import io.batchwise.ledger.CostQuery;
import io.batchwise.ledger.IdlePolicy;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.tensor.InvalidInput;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * {@code GET /v1/cost?model=&class=&from=&to=&idle_policy=}: the ledger's measured cost. Bad
 * parameters are a 400 naming the parameter; an unknown model a 404.
 */
final class CostRoutes implements Routes {
    private static final Set<String> PARAMS = Set.of("model", "class", "from", "to", "idle_policy");

    private final CostLedger ledger;

    CostRoutes(CostLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void mount(Router router) {
        router.get("/v1/cost").handler(this::cost);
    }

    private void cost(RoutingContext ctx) {
        CostQuery query;
        try {
            query = parse(ctx.queryParams());
        } catch (RuntimeException e) {
            ErrorMapper.send(ctx.response(), e);
            return;
        }
        // Summing a long history's buckets is not event-loop work.
        ctx.vertx().executeBlocking(() -> CostJson.report(ledger.report(query)).toString(), false)
                .onSuccess(body -> ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                        .end(body))
                .onFailure(e -> ErrorMapper.send(ctx.response(), e));
    }

    /** Parses and validates the query parameters. */
    static CostQuery parse(MultiMap params) {
        for (String name : params.names()) {
            if (!PARAMS.contains(name)) {
                throw new InvalidInput("unknown query parameter '" + name + "' (known: class, from, idle_policy, model, to)");
            }
            if (params.getAll(name).size() > 1) {
                throw new InvalidInput("query parameter '" + name + "' given more than once");
            }
        }
        String model = params.get("model");
        if (model != null && model.isBlank()) {
            throw new InvalidInput("model must not be empty");
        }
        ServiceClass cls = null;
        String classText = params.get("class");
        if (classText != null) {
            try {
                cls = ServiceClass.valueOf(classText.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInput("class must be interactive, deferred or bulk (got " + classText + ")");
            }
        }
        IdlePolicy policy = null;
        String policyText = params.get("idle_policy");
        if (policyText != null) {
            policy = IdlePolicy.fromLabel(policyText).orElseThrow(() -> new InvalidInput(
                    "idle_policy must be interactive, proportional or separate (got " + policyText + ")"));
        }
        return new CostQuery(model, cls, time("from", params.get("from")), time("to", params.get("to")), policy);
    }

    /** An ISO-8601 instant ({@code 2026-03-02T10:00:00Z}), a date (midnight UTC) or epoch seconds. */
    static Instant time(String name, String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        try {
            if (t.matches("\\d{1,12}")) {
                return Instant.ofEpochSecond(Long.parseLong(t));
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(t);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidInput(name + " must be an ISO-8601 time such as 2026-03-02T10:00:00Z, a date such as "
                    + "2026-03-02, or epoch seconds (got " + text + ")");
        }
    }
}
