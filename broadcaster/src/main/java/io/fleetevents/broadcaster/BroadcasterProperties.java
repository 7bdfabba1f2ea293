package io.fleetevents.broadcaster;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * All configuration of the broadcaster, under {@code broadcaster.*}. Every key has a default (see
 * {@code docs/broadcaster.md}); a bad value fails start-up naming the key.
 *
 * @param kafka  where {@code fleet.events} lives
 * @param stomp  STOMP heart-beats and the per-connection send buffer
 * @param limits protection limits
 * @param replay per-subscription replay readers
 * @param http   SSE and long-poll
 * @param auth   tokens and their scopes
 */
@Validated
@ConfigurationProperties("fleet.broadcaster")
public record BroadcasterProperties(
        @Valid @NotNull @DefaultValue Kafka kafka,
        @Valid @NotNull @DefaultValue Stomp stomp,
        @Valid @NotNull @DefaultValue Limits limits,
        @Valid @NotNull @DefaultValue Replay replay,
        @Valid @NotNull @DefaultValue Http http,
        @Valid @NotNull @DefaultValue Auth auth) {

    /**
     * @param bootstrapServers Kafka bootstrap servers; when unset, {@code spring.kafka.bootstrap-servers}, then
     *                         {@code KAFKA_BOOTSTRAP_SERVERS}, then {@code localhost:9092}
     * @param topic            the events topic
     * @param pollTimeout      live consumer poll timeout
     * @param topicWait        how long to wait at start-up for the topic to exist before reporting DOWN (keeps trying)
     */
    public record Kafka(
            String bootstrapServers,
            @NotBlank @DefaultValue("fleet.events") String topic,
            @NotNull @DefaultValue("100ms") Duration pollTimeout,
            @NotNull @DefaultValue("30s") Duration topicWait) {
    }

    /**
     * @param heartbeatSend       how often the server offers to send heart-beats (0 = never)
     * @param heartbeatReceive    how often the server asks the client to send heart-beats (0 = never)
     * @param sendBufferFrames    frames queued per connection before the client counts as slow and is dropped
     * @param sendBufferBytes     bytes queued per connection before the client counts as slow and is dropped
     * @param sendTimeout         a single socket write that takes longer than this drops the client
     * @param maxBatchBytes       frames queued together are written in one WebSocket message up to this many
     *                            characters; the default stays under the 8 KiB message buffer of common Java clients
     * @param writerThreads       threads that write to sockets (0 = number of cores)
     * @param socketSendBuffer    the kernel's send buffer per socket (SO_SNDBUF); 0 leaves it to the OS's autotuning,
     *                            which lets a client that stopped reading hold megabytes in the kernel before the
     *                            send-buffer and send-timeout rules notice it
     */
    public record Stomp(
            @NotNull @DefaultValue("10s") Duration heartbeatSend,
            @NotNull @DefaultValue("10s") Duration heartbeatReceive,
            @Min(16) @DefaultValue("4096") int sendBufferFrames,
            @Min(65_536) @DefaultValue("4194304") long sendBufferBytes,
            @NotNull @DefaultValue("10s") Duration sendTimeout,
            @Min(1024) @DefaultValue("7680") int maxBatchBytes,
            @Min(0) @DefaultValue("0") int writerThreads,
            @Min(0) @DefaultValue("0") int socketSendBuffer) {
    }

    /**
     * @param maxConnections            open STOMP + SSE connections per instance
     * @param maxConnectionsPerToken    open connections per token
     * @param maxSubscriptionsPerConnection subscriptions per STOMP connection
     * @param maxFrameBytes             largest inbound STOMP frame
     * @param connectsPerSecond         new connections accepted per second per instance (burst = one second)
     */
    public record Limits(
            @Min(1) @DefaultValue("20000") int maxConnections,
            @Min(1) @DefaultValue("2000") int maxConnectionsPerToken,
            @Min(1) @DefaultValue("64") int maxSubscriptionsPerConnection,
            @Min(1024) @Max(16_777_216) @DefaultValue("65536") int maxFrameBytes,
            @Min(1) @DefaultValue("2000") int connectsPerSecond) {
    }

    /**
     * @param maxConcurrent replay readers running at once (each reader thread keeps one Kafka consumer between replays); more wait their turn
     * @param pollTimeout   replay consumer poll timeout
     */
    public record Replay(
            @Min(1) @DefaultValue("16") int maxConcurrent,
            @NotNull @DefaultValue("200ms") Duration pollTimeout) {
    }

    /**
     * @param sseHeartbeat    interval of SSE comment lines that keep idle streams open
     * @param longPollMaxWait the longest {@code wait} a long-poll may ask for
     * @param longPollMaxLimit the largest {@code limit} a long-poll may ask for
     */
    public record Http(
            @NotNull @DefaultValue("15s") Duration sseHeartbeat,
            @NotNull @DefaultValue("60s") Duration longPollMaxWait,
            @Min(1) @DefaultValue("1000") int longPollMaxLimit) {
    }

    /**
     * @param tokens configured tokens, stored as SHA-256 hashes
     * @param jwt    JSON Web Tokens as a second way in (off unless {@code issuer} is set)
     */
    public record Auth(@Valid @NotNull @DefaultValue List<Token> tokens, @Valid @NotNull @DefaultValue Jwt jwt) {
    }

    /**
     * JWTs signed by an issuer's keys ({@code jwk-set-uri}: RS256/ES256…) or with a shared secret ({@code secret}:
     * HS256), one of the two. A token is accepted when its signature, {@code iss}, {@code exp} (required),
     * {@code nbf} and, when configured, {@code aud} check out; its scope comes from three claims, its name is
     * {@code jwt:<sub>}. Checked at start by {@code JwtVerifier}, which names the key at fault; the secret is never
     * printed ({@link #toString()}).
     *
     * @param issuer             the required {@code iss}; JWTs are accepted only when this is set
     * @param jwkSetUri          the issuer's JSON Web Key Set (public keys), fetched and cached by the decoder
     * @param secret             shared HMAC secret for HS256, at least 32 bytes of UTF-8
     * @param audience           when set, {@code aud} must contain it
     * @param ownersClaim        claim listing the owners whose agents the token may see
     * @param organizationsClaim claim listing the organizations
     * @param agentPatternsClaim claim listing agent patterns ({@code *} = the whole fleet)
     * @param clockSkew          tolerance on {@code exp} / {@code nbf}; connections end at {@code exp} + this
     */
    public record Jwt(
            String issuer,
            URI jwkSetUri,
            String secret,
            String audience,
            @NotBlank @DefaultValue("owners") String ownersClaim,
            @NotBlank @DefaultValue("organizations") String organizationsClaim,
            @NotBlank @DefaultValue("agent_patterns") String agentPatternsClaim,
            @NotNull @DefaultValue("60s") Duration clockSkew) {

        /** Whether JWTs are accepted at all. */
        public boolean enabled() {
            return issuer != null && !issuer.isBlank();
        }

        @Override
        public String toString() {
            return "Jwt[issuer=" + issuer + ", jwkSetUri=" + jwkSetUri + ", secret=" + (secret == null ? "unset" : "(set)")
                    + ", audience=" + audience + ", ownersClaim=" + ownersClaim + ", organizationsClaim="
                    + organizationsClaim + ", agentPatternsClaim=" + agentPatternsClaim + ", clockSkew=" + clockSkew + "]";
        }
    }

    /**
     * One API token.
     *
     * @param name          who holds it (logged and used for per-token limits; never the secret)
     * @param sha256        lowercase hex SHA-256 of the token text
     * @param owners        workspace owners whose agents it may see
     * @param organizations organizations whose agents (and {@code org/<name>} capacity events) it may see
     * @param agentPatterns agent patterns it may see; {@code *} is the whole fleet, capacity included
     */
    public record Token(
            @NotBlank String name,
            @NotBlank @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lowercase hex characters (SHA-256 of the token)") String sha256,
            @DefaultValue List<String> owners,
            @DefaultValue List<String> organizations,
            @DefaultValue List<String> agentPatterns) {
    }
}
