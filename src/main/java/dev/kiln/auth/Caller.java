package dev.kiln.auth;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Who is making a request. {@code workspaces} are the workspaces the caller is a member of; admins see all.
 */
public record Caller(String userId, String userName, boolean admin, Set<String> workspaces) {
    public Caller {
        requireNonNull(userId, "userId is null");
        requireNonNull(userName, "userName is null");
        workspaces = Set.copyOf(workspaces);
    }

    public boolean isMemberOf(String workspaceId) {
        return admin || workspaces.contains(workspaceId);
    }
}
