package io.batchwise.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo repository is written once for the class: the scorer alone is 100 MB. */
class DemoModelsTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path repo;

    @BeforeAll
    static void writeRepository() throws IOException {
        DemoModels.write(repo);
    }

    @Test
    void write_repository_hasTritonLayoutAndParsableConfigs() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, Integer> maxBatch = Map.of("scorer", 128, "embedder", 64, "tiny", 64);
        for (String name : DemoModels.NAMES) {
            assertTrue(Files.size(repo.resolve(name).resolve("1").resolve("model.onnx")) > 0, name);
            JsonNode config = yaml.readTree(repo.resolve(name).resolve("config.yaml").toFile());
            assertEquals(name, config.get("name").asText());
            assertEquals(maxBatch.get(name), config.get("max_batch_size").asInt());
            assertEquals("slo", config.get("batching").get("policy").asText());
        }
        assertEquals("hashing", yaml.readTree(repo.resolve("embedder/config.yaml").toFile()).get("tokenizer").asText());
    }

    @Test
    void scorer_inOnnxRuntime_matchesReference() throws OrtException {
        assertMlpMatches("scorer", "features", "score", DemoModels.scorerLayers(), 3);
    }

    @Test
    void tiny_inOnnxRuntime_matchesReference() throws OrtException {
        assertMlpMatches("tiny", "input", "output", DemoModels.tinyLayers(), 5);
    }

    @Test
    void embedder_inOnnxRuntime_matchesReference() throws OrtException {
        long[][] ids = randomIds(4);
        assertClose(Reference.embed(ids), runEmbedder(ids));
    }

    @Test
    void embedder_outputRows_haveUnitNorm() throws OrtException {
        for (float[] row : runEmbedder(randomIds(8))) {
            double norm = 0;
            for (float v : row) {
                norm += (double) v * v;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-5);
        }
    }

    @Test
    void write_twice_sameBytes(@TempDir Path other) throws IOException {
        DemoModels.writeTiny(other);
        DemoModels.writeEmbedder(other);
        for (String name : new String[] {"tiny", "embedder"}) {
            assertArrayEquals(Files.readAllBytes(model(name)), Files.readAllBytes(other.resolve(name + "/1/model.onnx")));
            assertArrayEquals(Files.readAllBytes(repo.resolve(name + "/config.yaml")),
                    Files.readAllBytes(other.resolve(name + "/config.yaml")));
        }
    }

    @Test
    void scorer_writtenTwice_sameSha256() throws IOException {
        // The second copy is only digested, never stored: 100 MB twice is not worth the disk.
        MessageDigest again = sha256();
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), again)) {
            OnnxWriter.write(DemoModels.scorer(), out);
        }
        assertEquals(HexFormat.of().formatHex(digest(model("scorer"))), HexFormat.of().formatHex(again.digest()));
    }

    @Test
    void demoModels_bytes_matchPinnedSha256() throws IOException {
        // Pins the files across machines and JDKs, so benchmark numbers stay comparable. A
        // deliberate change to the encoder or the weights updates these digests.
        assertEquals("ee0fde1bf7aeeee294c35f678d089f97f562ffae171454b22df8f0bb905b47cf",
                HexFormat.of().formatHex(digest(model("tiny"))));
        assertEquals("1334e31801ce9dc54268f0a90a5fd5d1bf4254193096040a31209c5b53a94e39",
                HexFormat.of().formatHex(digest(model("scorer"))));
    }

    @Test
    void scorer_size_isAbout25MillionWeights() throws IOException {
        long weights = 1024L * 4096 + 4096L * 4096 + 4096L * 1024 + 1024L * 16;
        long size = Files.size(model("scorer"));
        assertTrue(size > 4 * weights && size < 4 * weights + 1_000_000, "size " + size);
    }

    private static void assertMlpMatches(String name, String input, String output, List<DenseLayer> layers,
                                         int rows) throws OrtException {
        float[][] x = new float[rows][layers.get(0).in()];
        Random random = new Random(rows);
        double[][] xd = new double[rows][x[0].length];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < x[r].length; i++) {
                x[r][i] = random.nextFloat() * 2 - 1;
                xd[r][i] = x[r][i];
            }
        }
        try (OrtSession session = session(name);
             OnnxTensor in = OnnxTensor.createTensor(ENV, x);
             OrtSession.Result result = session.run(Map.of(input, in))) {
            assertClose(Reference.mlp(xd, layers), (float[][]) result.get(output).get().getValue());
        }
    }

    private static float[][] runEmbedder(long[][] ids) throws OrtException {
        try (OrtSession session = session("embedder");
             OnnxTensor in = OnnxTensor.createTensor(ENV, ids);
             OrtSession.Result result = session.run(Map.of("input_ids", in))) {
            return (float[][]) result.get("embedding").get().getValue();
        }
    }

    private static long[][] randomIds(int rows) {
        Random random = new Random(rows);
        long[][] ids = new long[rows][DemoModels.EMBEDDER_SEQUENCE];
        for (long[] row : ids) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextInt(DemoModels.EMBEDDER_VOCAB);
            }
        }
        return ids;
    }

    private static void assertClose(double[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int r = 0; r < expected.length; r++) {
            assertEquals(expected[r].length, actual[r].length);
            for (int j = 0; j < expected[r].length; j++) {
                double e = expected[r][j];
                assertEquals(e, actual[r][j], TOLERANCE * Math.max(1, Math.abs(e)), "row " + r + " column " + j);
            }
        }
    }

    private static OrtSession session(String name) throws OrtException {
        return ENV.createSession(model(name).toString(), new OrtSession.SessionOptions());
    }

    private static Path model(String name) {
        return repo.resolve(name).resolve("1").resolve("model.onnx");
    }

    private static byte[] digest(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), sha));
        }
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
