package io.batchwise.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code batchwise bench ...}: benchmarks; each mode is a subcommand. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks. Numbers are printed, never asserted.",
        subcommands = {RawBenchCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
