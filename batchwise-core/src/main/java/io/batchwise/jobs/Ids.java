package io.batchwise.jobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Generated ids of files, batches and batch requests (OpenAI's prefixes). */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** Ids this store generates; anything else is not ours and is never turned into a path. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread: looking the algorithm up per line cost a job several percent of its thread. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private Ids() {
    }

    static String file() {
        return "file-" + random(24);
    }

    static String batch() {
        return "batch_" + random(24);
    }

    static boolean safe(String id) {
        return id != null && SAFE.matcher(id).matches();
    }

    private static String random(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /**
     * The {@code id} and {@code request_id} of a batch's line: derived from the batch and the
     * line's position, so a resumed or repeated run writes the very same bytes.
     */
    public static String[] request(String batchId, long index) {
        byte[] h = SHA_256.get().digest((batchId + ":" + index).getBytes(StandardCharsets.UTF_8));
        String hex = HEX.formatHex(h);
        return new String[] {"batch_req_" + hex.substring(0, 32), "req_" + hex.substring(32)};
    }
}
