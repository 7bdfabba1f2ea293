package io.fleetevents.codersim.fleet;

import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Deterministic names and UUIDs for the generated fleet. */
final class Names {

    static final List<String> OWNERS = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
            "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yara");
    static final List<String> VERBS = List.of("fix", "add", "refactor", "speed-up", "document", "test", "migrate",
            "upgrade", "remove", "rewrite", "port", "harden");
    static final List<String> NOUNS = List.of("flaky-tests", "retry-logic", "billing-api", "auth-flow", "ci-cache",
            "search-index", "rate-limiter", "db-schema", "logging", "metrics", "cli", "onboarding", "webhooks", "sdk");
    static final List<String> MESSAGES_WORKING = List.of("Reading the codebase", "Running the test suite",
            "Editing files", "Investigating the failure", "Writing tests", "Applying review comments");
    static final List<String> MESSAGES_COMPLETE = List.of("Opened a pull request", "All tests pass",
            "Fixed the issue and pushed a branch", "Refactoring done, PR ready for review");
    static final List<String> MESSAGES_FAILURE = List.of("Tests still failing after 3 attempts",
            "Could not reproduce the bug", "Build broke: missing dependency", "Gave up: merge conflict");
    static final List<String> MESSAGES_IDLE = List.of("Waiting for input", "Need a decision on the API shape",
            "Blocked: need credentials");
    static final List<String> BUILD_ERRORS = List.of(
            "terraform apply: kubernetes_deployment.main: context deadline exceeded",
            "terraform apply: quota exceeded for resource 'cpu' in namespace 'coder'",
            "failed to pull image \"ghcr.io/acme/dev:latest\": not found",
            "exit status 1: Error: Insufficient memory on node pool");

    private Names() {
    }

    static UUID uuid(Random random) {
        long hi = random.nextLong();
        long lo = random.nextLong();
        hi = (hi & ~0xF000L) | 0x4000L;
        lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo);
    }

    static String owner(int index) {
        String base = OWNERS.get(index % OWNERS.size());
        int round = index / OWNERS.size();
        return round == 0 ? base : base + round;
    }

    static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
