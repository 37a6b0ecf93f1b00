package dev.kiln.workload;

/** A schedule (one-time timestamp or 5-field cron expression) and what to do when it fires. */
public record CronJobSpec(String schedule, String action) {}
