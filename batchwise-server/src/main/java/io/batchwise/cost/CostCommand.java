package io.batchwise.cost;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code batchwise cost}: the cost ledger's reports and measurements. */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "Measured cost per prediction: reports from a running server, and a cost benchmark.",
        subcommands = {CostReportCommand.class, CostBenchCommand.class})
public final class CostCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
