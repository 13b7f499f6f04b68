package io.batchwise.cli;

import io.batchwise.http.HttpOptions;
import io.batchwise.jobs.JobSettings;
import io.batchwise.model.Durations;
import io.batchwise.openai.OpenAiOptions;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code batchwise serve}: runs the server until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model repository over KServe v2 HTTP (demo models by default).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind (default ${DEFAULT-VALUE}; 0.0.0.0 to deploy).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "HTTP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--models", description = "Model repository (default: demo models under --data).")
    Path models;

    @Option(names = "--data", defaultValue = "batchwise-data", description = "State directory (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--pricing", description = "Price sheet YAML (default: built-in).")
    Path pricing;

    @Option(names = "--max-body-size", defaultValue = "67108864", description = "Largest request body in bytes (default ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--grpc-port", defaultValue = "8001", description = "Open Inference Protocol gRPC port (default ${DEFAULT-VALUE}; -1 turns gRPC off).")
    int grpcPort;

    @Option(names = "--api-key", defaultValue = "${env:BATCHWISE_API_KEY}", description = "Key required as 'Authorization: Bearer KEY' by the model repository endpoints and the OpenAI-compatible /v1 API (default: the environment variable BATCHWISE_API_KEY, else none).")
    String apiKey;

    @Option(names = "--max-file-size", defaultValue = "209715200",
            description = "Largest file upload to /v1/files in bytes (default ${DEFAULT-VALUE}).")
    long maxFileBytes;

    @Option(names = "--max-batch-lines", defaultValue = "50000",
            description = "Most requests in one batch input file (default ${DEFAULT-VALUE}).")
    long maxBatchLines;

    @Option(names = "--shutdown-grace", defaultValue = "25s",
            description = "On SIGTERM, how long running batch rows may take to finish and be checkpointed (default ${DEFAULT-VALUE}).")
    String shutdownGrace;

    @Override
    public Integer call() throws Exception {
        ServerSettings settings = new ServerSettings(new HttpOptions(host, port, maxBody), models, data, pricing,
                grpcPort, apiKey);
        OpenAiOptions openai = new OpenAiOptions(null, maxFileBytes, JobSettings.defaults()
                .withMaxLinesPerBatch(maxBatchLines)
                .withShutdownGrace(Durations.parse("shutdown-grace", shutdownGrace)));
        BatchwiseServer server = BatchwiseServer.start(settings, openai);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "batchwise-shutdown"));
        System.out.println("batchwise serving on http://" + host + ":" + server.port()
                + (server.grpcPort() > 0 ? " and grpc://" + host + ":" + server.grpcPort() : "") + "  (Ctrl-C to stop)");
        stop.await();
        return 0;
    }
}
