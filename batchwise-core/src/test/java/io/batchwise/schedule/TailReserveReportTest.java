package io.batchwise.schedule;

import static io.batchwise.schedule.Fixture.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.metrics.SchedulerMetrics;
import io.batchwise.model.BatchingConfig.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler tells its listener where the tail reserve stands (slo's moves), so /metrics can show it. */
class TailReserveReportTest {
    @Test
    void slo_atLoad_reportsEachLiveClassAtTheInitialReserve() {
        Fixture f = Fixture.config(Policy.SLO).fixture();

        assertEquals(List.of(new Fixture.Recorder.Reserve(ServiceClass.INTERACTIVE, TailReserve.INITIAL),
                new Fixture.Recorder.Reserve(ServiceClass.DEFERRED, TailReserve.INITIAL)), f.listener.reserves);
    }

    @Test
    void slo_requestFinishingInTheLastTenthOfItsBudget_reportsAHigherInteractiveReserve() {
        Fixture f = Fixture.config(Policy.SLO).fixture();
        Pending p = f.live(64, 100 * MS, 0);
        Batch b = f.poll(0).get(0);

        f.execute(b, 0, 95 * MS);

        assertTrue(p.future.isDone());
        Fixture.Recorder.Reserve last = f.listener.reserves.get(f.listener.reserves.size() - 1);
        assertEquals(ServiceClass.INTERACTIVE, last.serviceClass());
        assertTrue(last.share() > TailReserve.INITIAL, "reserve after a late request: " + last.share());
    }

    @Test
    void window_fixedReserve_isReportedAtLoadOnly() {
        Fixture f = Fixture.config(Policy.WINDOW).fixture();
        Pending p = f.live(64, 100 * MS, 0);
        f.execute(f.poll(0).get(0), 0, 95 * MS);

        assertTrue(p.future.isDone());
        assertEquals(List.of(new Fixture.Recorder.Reserve(ServiceClass.INTERACTIVE, TailReserve.INITIAL),
                new Fixture.Recorder.Reserve(ServiceClass.DEFERRED, TailReserve.INITIAL)), f.listener.reserves);
    }

    @Test
    void metrics_afterAReport_exposeTheReserveAsAGaugePerModelAndClass() {
        SchedulerMetrics m = new SchedulerMetrics();
        m.onTailReserve("scorer", ServiceClass.INTERACTIVE, 0.42);
        StringBuilder out = new StringBuilder();

        m.writeTo(out);

        assertTrue(out.toString().contains("# TYPE batchwise_tail_reserve_ratio gauge\n"
                + "batchwise_tail_reserve_ratio{model=\"scorer\",class=\"interactive\"} 0.42\n"), out.toString());
    }
}
