package io.fleetevents.codersim;

import io.fleetevents.codersim.fleet.CoderVersion;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a simulator runs. Build with {@link #builder()}; every value has a default.
 *
 * @param port              TCP port; 0 picks a free one (default 0; 3000 when run alone)
 * @param bindAddress       address to listen on (default {@code 127.0.0.1})
 * @param token             the only accepted {@code Coder-Session-Token} (default {@code sim-token})
 * @param seed              random seed: the same seed gives the same workspaces and the same story (default 42)
 * @param idSeed            seed of the UUIDs builds create (builds, jobs, resources, agents, apps, app statuses);
 *                          default: a new one on every start, so a restarted simulator never reissues a UUID of its
 *                          previous run (Coder never reuses one). Fix it, with {@code seed}, for a fleet identical
 *                          byte for byte
 * @param workspaces        fleet size in workspaces, 0 to 100,000; about 1.1 agents each (default 50)
 * @param subAgentRatio     share of running workspaces with a dev-container sub-agent (default 0.1)
 * @param activityInterval  how often the lively fleet takes a random step; {@link Duration#ZERO} = scripted only
 *                          (default 1 s)
 * @param changesPerStep    random changes per step; -1 = about 0.5 % of the workspaces, at least 1 (default -1)
 * @param tasksApi          whether the Tasks API of {@code coderVersion} is served; false answers 404 on both paths
 *                          whatever the version (default true)
 * @param clock             the clock timestamps follow (default UTC system clock)
 * @param coderVersion      the Coder release to behave as where releases differ: Tasks API path and shape, AgentAPI
 *                          turn ends, app status order ({@link CoderVersion}; default {@code latest}, v2.36, the
 *                          newest with Tasks; {@code main} has no Tasks)
 * @param agentApiIdleDelay how long after an agent's {@code complete}/{@code failure} AgentAPI writes {@code idle}
 *                          (default 2 s)
 * @param sessionUser       the user the session token belongs to: an empty experimental Tasks query lists this user's
 *                          tasks only (default {@code admin}, who owns none)
 */
public record CoderSimConfig(int port, String bindAddress, String token, long seed, long idSeed, int workspaces,
                             double subAgentRatio, Duration activityInterval, int changesPerStep, boolean tasksApi,
                             Clock clock, CoderVersion coderVersion, Duration agentApiIdleDelay, String sessionUser) {

    /** The largest fleet the simulator is built for. */
    public static final int MAX_WORKSPACES = 100_000;

    public CoderSimConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("token must not be blank");
        }
        if (workspaces < 0 || workspaces > MAX_WORKSPACES) {
            throw new IllegalArgumentException("workspaces must be 0.." + MAX_WORKSPACES + ", was " + workspaces);
        }
        if (subAgentRatio < 0 || subAgentRatio > 1) {
            throw new IllegalArgumentException("subAgentRatio must be 0..1, was " + subAgentRatio);
        }
        if (activityInterval == null || activityInterval.isNegative()) {
            throw new IllegalArgumentException("activityInterval must be >= 0, was " + activityInterval);
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(coderVersion, "coder-version");
        if (agentApiIdleDelay == null || agentApiIdleDelay.isNegative()) {
            throw new IllegalArgumentException("agentapi-idle-delay must be >= 0, was " + agentApiIdleDelay);
        }
        if (sessionUser == null || sessionUser.isBlank()) {
            throw new IllegalArgumentException("session-user must not be blank");
        }
    }

    /** The number of random changes one activity step makes. */
    public int effectiveChangesPerStep() {
        return changesPerStep >= 0 ? changesPerStep : Math.max(1, workspaces / 200);
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link CoderSimConfig}. */
    public static final class Builder {
        private int port;
        private String bindAddress = "127.0.0.1";
        private String token = "sim-token";
        private long seed = 42;
        private long idSeed = ThreadLocalRandom.current().nextLong();
        private int workspaces = 50;
        private double subAgentRatio = 0.1;
        private Duration activityInterval = Duration.ofSeconds(1);
        private int changesPerStep = -1;
        private boolean tasksApi = true;
        private Clock clock = Clock.systemUTC();
        private CoderVersion coderVersion = CoderVersion.LATEST;
        private Duration agentApiIdleDelay = Duration.ofSeconds(2);
        private String sessionUser = "admin";

        /** The Coder release to behave as: {@code latest}, {@code main}, {@code v2.28}, ... */
        public Builder coderVersion(String value) {
            coderVersion = CoderVersion.parse(value);
            return this;
        }

        public Builder coderVersion(CoderVersion value) {
            coderVersion = value;
            return this;
        }

        public Builder agentApiIdleDelay(Duration value) {
            agentApiIdleDelay = value;
            return this;
        }

        public Builder sessionUser(String value) {
            sessionUser = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder bindAddress(String value) {
            bindAddress = value;
            return this;
        }

        public Builder token(String value) {
            token = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** Fixes the seed of build-created UUIDs (by default new on every start). */
        public Builder idSeed(long value) {
            idSeed = value;
            return this;
        }

        public Builder workspaces(int value) {
            workspaces = value;
            return this;
        }

        public Builder subAgentRatio(double value) {
            subAgentRatio = value;
            return this;
        }

        /** {@link Duration#ZERO} turns random activity off: the fleet changes only when scripted. */
        public Builder activityInterval(Duration value) {
            activityInterval = value;
            return this;
        }

        /** A fleet that changes only when scripted (tests, benchmarks). */
        public Builder scripted() {
            activityInterval = Duration.ZERO;
            return this;
        }

        public Builder changesPerStep(int value) {
            changesPerStep = value;
            return this;
        }

        public Builder tasksApi(boolean value) {
            tasksApi = value;
            return this;
        }

        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        public CoderSimConfig build() {
            return new CoderSimConfig(port, bindAddress, token, seed, idSeed, workspaces, subAgentRatio, activityInterval,
                    changesPerStep, tasksApi, clock, coderVersion, agentApiIdleDelay, sessionUser);
        }
    }
}
