package dev.kiln.workload;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/** A parsed cron schedule: either one instant, or a 5-field UNIX expression evaluated in a time zone. */
public sealed interface CronSchedule {
    CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** The first fire time strictly after {@code after}, if any. */
    Optional<Instant> nextAfter(Instant after);

    record Once(Instant at) implements CronSchedule {
        @Override
        public Optional<Instant> nextAfter(Instant after) {
            return at.isAfter(after) ? Optional.of(at) : Optional.empty();
        }
    }

    record Recurring(String expression, ExecutionTime executionTime, ZoneId zone) implements CronSchedule {
        @Override
        public Optional<Instant> nextAfter(Instant after) {
            return executionTime.nextExecution(after.atZone(zone)).map(ZonedDateTime::toInstant);
        }
    }

    /** A timestamp is a one-time schedule; anything else must be a cron expression. Throws IllegalArgumentException. */
    static CronSchedule parse(String text, ZoneId zone) {
        Optional<Instant> once = Times.parse(text);
        if (once.isPresent()) {
            return new Once(once.get());
        }
        String expression = text.trim();
        if (expression.split("\\s+").length != 5) {
            throw new IllegalArgumentException("expected a timestamp like 2026-12-01T03:00:00Z or 5 cron fields like '0 3 * * *'");
        }
        var cron = PARSER.parse(expression).validate();
        return new Recurring(expression, ExecutionTime.forCron(cron), zone);
    }
}
