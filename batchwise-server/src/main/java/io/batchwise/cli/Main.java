package io.batchwise.cli;

import io.batchwise.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code batchwise} program: one entry point, one subcommand per task. */
@Command(name = "batchwise", mixinStandardHelpOptions = true, version = "batchwise 0.1.0",
        description = "Serves ONNX models in the cheapest way each request's latency budget allows.",
        subcommands = {ServeCommand.class, ModelsCommand.class, InferCommand.class, BenchCommand.class,
                io.batchwise.cost.CostCommand.class, BatchCommand.class,
                io.batchwise.planner.ProfileCommand.class, io.batchwise.planner.PlanCommand.class,
                io.batchwise.demo.DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (used by tests, which must not exit). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
