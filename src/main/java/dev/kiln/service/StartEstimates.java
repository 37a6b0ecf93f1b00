package dev.kiln.service;

import dev.kiln.workload.Workload;
import java.time.Instant;
import java.util.Optional;

/** When a pending workload blocked only by capacity may start, if that can be known. */
public interface StartEstimates {
    Optional<Instant> estimatedStart(Workload pending, Instant now);
}
