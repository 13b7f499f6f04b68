package io.batchwise.schedule;

import io.batchwise.model.ModelConfig;
import io.batchwise.tensor.InvalidInput;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Reads a live request's class and latency budget from its parameters and the model config. */
final class Admission {
    private Admission() {
    }

    /** The budget: explicit, else {@code parameters.timeout} in microseconds, else the model's target. */
    static Duration budget(Submission s, ModelConfig config) {
        if (s.budget() != null) {
            return s.budget();
        }
        Object timeout = s.request().parameters().get("timeout");
        if (timeout == null) {
            return config.latencyTarget();
        }
        long micros;
        if (timeout instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            micros = n.longValue();
        } else {
            try {
                micros = Long.parseLong(timeout.toString().trim());
            } catch (NumberFormatException e) {
                throw new InvalidInput("parameters.timeout must be an integer number of microseconds (got " + timeout + ")");
            }
        }
        if (micros <= 0) {
            throw new InvalidInput("parameters.timeout must be > 0 microseconds (got " + micros + ")");
        }
        return Duration.ofNanos(Math.multiplyExact(Math.min(micros, 365L * 86_400_000_000L), 1000L));
    }

    /** The class: explicit, else {@code parameters.priority}, else by budget against the deferred threshold. */
    static ServiceClass serviceClass(Submission s, Duration budget, ModelConfig config) {
        if (s.serviceClass() != null) {
            return s.serviceClass();
        }
        Map<String, Object> params = s.request().parameters();
        Object priority = params.get("priority");
        if (priority instanceof Number n) {
            // Triton's numeric priority levels: 1 is the highest; larger numbers are lower priority.
            if (n.longValue() > 1) {
                return ServiceClass.DEFERRED;
            }
        } else if (priority != null) {
            String p = priority.toString().trim().toLowerCase(Locale.ROOT);
            switch (p) {
                case "deferred":
                    return ServiceClass.DEFERRED;
                case "interactive":
                    return ServiceClass.INTERACTIVE;
                default:
                    throw new InvalidInput("parameters.priority must be interactive or deferred (got " + priority
                            + "); bulk rows are submitted as batch jobs");
            }
        }
        return budget.compareTo(config.batching().deferredThreshold()) >= 0 ? ServiceClass.DEFERRED
                : ServiceClass.INTERACTIVE;
    }

    /** The client tag for cost attribution, from the submission or {@code parameters.tag}. */
    static String tag(Submission s) {
        if (s.tag() != null) {
            return s.tag();
        }
        Object tag = s.request().parameters().get("tag");
        return tag == null ? null : tag.toString();
    }
}
