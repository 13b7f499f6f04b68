package io.batchwise.cli;

import io.batchwise.onnx.DemoModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code batchwise models ...}: model repository tools. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Model repository tools.",
        subcommands = {ModelsCommand.Demo.class})
final class ModelsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code batchwise models demo --out DIR}. */
    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Write the demo model repository (scorer, embedder, tiny) with deterministic weights.")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Directory to write the repository into.")
        Path out;

        @Override
        public Integer call() throws Exception {
            Files.createDirectories(out);
            DemoModels.write(out);
            System.out.println("wrote demo models scorer, embedder, tiny to " + out);
            return 0;
        }
    }
}
