package dev.kiln.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Set;

/** A Kiln user. {@code workspaces} are memberships granted through the users API (config adds more by name). */
public record User(String id, String name, Role role, Set<String> workspaces, Instant createdAt) {
    public User {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
        workspaces = Set.copyOf(workspaces);
    }

    public enum Role {
        admin,
        user
    }
}
