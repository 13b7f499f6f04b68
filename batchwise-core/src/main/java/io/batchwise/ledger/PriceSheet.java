package io.batchwise.ledger;

import io.batchwise.model.InvalidConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What capacity costs: named pools, the currency, and the default idle policy. Parsed once
 * (see {@link PriceSheetParser}); immutable afterwards.
 *
 * @param currency   ISO 4217 code of every price (FOCUS {@code BillingCurrency})
 * @param idlePolicy who pays for idle time unless a query says otherwise
 * @param pools      pools by name, in the sheet's order
 */
public record PriceSheet(String currency, IdlePolicy idlePolicy, Map<String, Pool> pools) {
    /** The resource holding the built-in sheet (with the source and date of each figure). */
    public static final String BUILT_IN_RESOURCE = "/io/batchwise/ledger/default-pricing.yaml";

    public PriceSheet {
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw new InvalidConfig("currency: must be a three-letter ISO 4217 code such as USD (got " + currency + ")");
        }
        if (idlePolicy == null) {
            throw new InvalidConfig("idle_policy: is required");
        }
        if (pools == null || pools.isEmpty()) {
            throw new InvalidConfig("pools: at least one pool is required");
        }
        for (Map.Entry<String, Pool> e : pools.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                throw new InvalidConfig("pools." + e.getKey() + ": name does not match (" + e.getValue().name() + ")");
            }
        }
        pools = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    }

    /** A sheet from a list of pools. */
    public static PriceSheet of(String currency, IdlePolicy idlePolicy, List<Pool> pools) {
        Map<String, Pool> byName = new LinkedHashMap<>();
        for (Pool p : pools) {
            if (byName.put(p.name(), p) != null) {
                throw new InvalidConfig("pools." + p.name() + ": defined twice");
            }
        }
        return new PriceSheet(currency, idlePolicy, byName);
    }

    /** The built-in sheet: AWS list prices for a small CPU machine and a one-GPU machine. */
    public static PriceSheet builtIn() {
        try (InputStream in = PriceSheet.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + BUILT_IN_RESOURCE);
            }
            return PriceSheetParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in pricing");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pool of that name, if the sheet has one. */
    public Optional<Pool> pool(String name) {
        return Optional.ofNullable(pools.get(name));
    }

    /** A copy with another default idle policy. */
    public PriceSheet withIdlePolicy(IdlePolicy policy) {
        return new PriceSheet(currency, policy, pools);
    }
}
