package io.batchwise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.batchwise.model.InvalidConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandOptionsTest {
    @Test
    void parse_noGrpcFlag_servesGrpcOnTritonsPort() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs();
        assertEquals(ServerSettings.DEFAULT_GRPC_PORT, serve.grpcPort);
        assertEquals(8001, serve.grpcPort);
        if (System.getenv("BATCHWISE_API_KEY") == null) {
            assertNull(serve.apiKey);
        }
    }

    @Test
    void parse_grpcPortAndApiKey_areTaken() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--grpc-port", "-1", "--api-key", "k1");
        assertEquals(-1, serve.grpcPort);
        assertEquals("k1", serve.apiKey);
    }

    @Test
    void settings_grpcPortOutOfRange_isRejectedWithTheField() {
        ServerSettings base = ServerSettings.forTests(Path.of("m"), Path.of("d"));
        assertEquals(-1, base.grpcPort());
        assertEquals(0, base.withGrpcPort(0).grpcPort());
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> base.withGrpcPort(70000));
        assertEquals("grpc_port: must be 0..65535, or negative for no gRPC (got 70000)", e.getMessage());
    }
}
