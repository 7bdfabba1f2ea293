package io.fleetevents.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.ResumeToken;
import io.fleetevents.schemas.Topics;
import io.fleetevents.standalone.docs.DocSnippets;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against a running standalone stack: events appear,
 * a filter narrows the feed, the utilisation chart draws, and after the broadcaster is stopped and started again the
 * page resumes with its last token and shows exactly the events it missed (checked against fleet.events itself).
 * The agents table shows the task agent's current state before the cut and after (rebuilt from fleet.agents). Also
 * runs the JavaScript snippet of docs/clients.md as written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

    private Path dataDir;
    private StandaloneStack stack;
    private ChromeDriver browser;
    private String taskAgent;

    @BeforeAll
    void startStackAndBrowser() throws Exception {
        String chromium = System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium");
        String chromedriver = System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver");
        boolean present = new File(chromium).canExecute() && new File(chromedriver).canExecute();
        if (System.getenv("CI") != null) {
            assertThat(present).as("CI must provide %s and %s (.ci/run installs them)", chromium, chromedriver).isTrue();
        }
        assumeTrue(present, "Debian chromium and chromium-driver are not installed");
        dataDir = Files.createTempDirectory("fleet-dashboard-it");
        stack = StandaloneStack.start(new StandaloneConfig(dataDir, 0, 0, 0, 0, 30, 7,
                Duration.ZERO, Duration.ofSeconds(1), null, null));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1100", "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver)).build(), options);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldShowLiveEventsNarrowThemByFilterAndDrawTheChart() {
        // The simulated fleet only changes as this test scripts it; its own workspace has an AI app whatever the seed.
        taskAgent = stack.sim().createWorkspace("dana", "dashboard-task", "claude-code", false, true) + ".main";
        stack.sim().completeTask(taskAgent, "opened PR #1");
        browser.get(base() + "/#token=" + stack.devToken());

        await().atMost(Duration.ofSeconds(90)).until(() -> types().contains("TASK_COMPLETION") && types().contains("AGENT_CONNECTED"));
        await().atMost(Duration.ofSeconds(60)).until(() -> !browser.findElements(By.cssSelector("#chart canvas")).isEmpty());
        int before = rows().size();

        browser.findElement(By.cssSelector("#types input[value=AGENT_CONNECTED]")).click();
        browser.findElement(By.id("apply-filter")).click();

        await().atMost(Duration.ofSeconds(60)).until(() -> !rows().isEmpty() && types().equals(Set.of("AGENT_CONNECTED")));
        assertThat(rows().size()).isLessThan(before);
        assertThat(browser.findElement(By.id("count-TASK_COMPLETION")).getText()).startsWith("0");

        // The agents table is the current state (fleet.agents), whatever the feed's filter.
        await().atMost(Duration.ofSeconds(60)).until(() -> agentRow(taskAgent)
                .filter(cells -> cells.get(5).startsWith("TASK_COMPLETION ")).isPresent());
        assertThat(agentRow(taskAgent).orElseThrow().get(1)).isEqualTo("connected");
        List<?> countAndRows = (List<?>) js("return [document.getElementById('agents-count').textContent, "
                + "'(' + document.querySelectorAll('#agents tbody tr').length + ')']");
        assertThat(countAndRows.get(0)).isEqualTo(countAndRows.get(1));
    }

    @Test
    @Order(2)
    void shouldResumeWithoutAGapAfterTheBroadcasterConnectionIsCutAndRestored() throws Exception {
        browser.findElement(By.cssSelector("#types input[value=AGENT_CONNECTED]")).click();
        browser.findElement(By.id("apply-filter")).click();
        await().atMost(Duration.ofSeconds(60)).until(() -> types().size() > 1);
        Snapshot beforeCut = snapshot();
        String tokenBeforeCut = beforeCut.resumeToken();

        List<String> connected = rows().stream().filter(row -> "AGENT_CONNECTED".equals(row.getDomAttribute("data-event-type")))
                .map(row -> row.findElement(By.cssSelector("td.agent")).getText())
                .filter(path -> !path.equals(taskAgent)).distinct().toList();
        stack.stopBroadcaster();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElement(By.id("connection")).getText().equals("live"));
            // A stop is reported at once (a disconnect would wait out the processor's 45 s grace).
            String stopped = connected.get(0);
            stack.sim().stopWorkspace(stopped.substring(0, stopped.indexOf('.')));
            stack.sim().failTask(taskAgent, "tests still red");
            awaitInKafka(tokenBeforeCut, EventType.AGENT_DISCONNECTED, EventType.TASK_FAILURE);
        } finally {
            stack.startBroadcaster();
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> types().contains("AGENT_DISCONNECTED")
                && types().contains("TASK_FAILURE")
                && browser.findElement(By.id("connection")).getText().equals("live"));
        Snapshot after = snapshot();
        Set<String> delivered = new HashSet<>(after.seen());
        delivered.removeAll(beforeCut.seen());

        assertThat(delivered).isNotEmpty().isEqualTo(eventIdsBetween(tokenBeforeCut, after.resumeToken()));
        assertThat(((Number) js("return window.fleetDashboard.duplicates")).intValue()).isZero();
        assertThat(browser.findElement(By.id("replayed")).getText()).matches("replayed: [1-9][0-9]*");
        // The restarted broadcaster rebuilt the current state from fleet.agents: the task agent's last event is the
        // failure made while it was down.
        await().atMost(Duration.ofSeconds(60)).until(() -> agentRow(taskAgent)
                .filter(cells -> cells.get(5).startsWith("TASK_FAILURE ")).isPresent());
        File screenshot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(screenshot.toPath(), Path.of("target/dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(3)
    void shouldRunTheJavaScriptClientSnippetOfTheDocs() throws Exception {
        String snippet = DocSnippets.block("js").replace("ws://localhost:8080", "ws://localhost:" + stack.httpPort());
        browser.get(base() + "/");

        js("window.__snippetLog = [];"
                + "(function (TOKEN, console) {" + snippet + "})(arguments[0], {"
                + " log: (...a) => window.__snippetLog.push(a.join(' ')),"
                + " error: (...a) => window.__snippetLog.push('ERROR ' + a.join(' ')) });", stack.devToken());

        await().atMost(Duration.ofSeconds(60)).until(() -> snippetLog().size() >= 3);
        assertThat(snippetLog()).noneMatch(line -> line.startsWith("ERROR"))
                .anyMatch(line -> line.startsWith("AGENT_CONNECTED "));
    }

    private String base() {
        return "http://localhost:" + stack.httpPort();
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    @SuppressWarnings("unchecked")
    private List<String> snippetLog() {
        return new ArrayList<>((List<String>) js("return window.__snippetLog"));
    }

    private List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#feed tbody tr"));
    }

    /** The cells of the agents table's row for {@code path} (path, status, lifecycle, build, task, last event). */
    @SuppressWarnings("unchecked")
    private Optional<List<String>> agentRow(String path) {
        // Read in one script: the page replaces the table's rows every few seconds.
        List<List<String>> rows = (List<List<String>>) js("return Array.from(document.querySelectorAll("
                + "'#agents tbody tr'), tr => Array.from(tr.cells, td => td.textContent))");
        return rows.stream().filter(cells -> cells.size() == 6 && cells.get(0).equals(path)).findFirst();
    }


    private Set<String> types() {
        return rows().stream().map(row -> row.getDomAttribute("data-event-type")).collect(Collectors.toSet());
    }

    /** The page's resume token and the ids it has shown, read together so they describe the same moment. */
    @SuppressWarnings("unchecked")
    private Snapshot snapshot() {
        List<Object> both = (List<Object>) js("return [window.fleetDashboard.resumeToken, Array.from(window.fleetDashboard.seen)]");
        return new Snapshot((String) both.get(0), new HashSet<>((List<String>) both.get(1)));
    }

    private record Snapshot(String resumeToken, Set<String> seen) {
    }

    private void awaitInKafka(String after, EventType... types) {
        Set<EventType> wanted = Set.of(types);
        await().atMost(Duration.ofSeconds(90)).until(() -> read(after, null).stream()
                .map(EventNotification::eventType).collect(Collectors.toSet()).containsAll(wanted));
    }

    /** Ids of the events of fleet.events from {@code from} up to (excluding) {@code to}. */
    private Set<String> eventIdsBetween(String from, String to) {
        return read(from, to).stream().map(EventNotification::eventId).collect(Collectors.toSet());
    }

    private List<EventNotification> read(String from, String to) {
        Map<Integer, Long> start = ResumeToken.decode(from).positions();
        Map<Integer, Long> end = to == null ? null : ResumeToken.decode(to).positions();
        Properties props = new Properties();
        props.put("bootstrap.servers", stack.kafkaBootstrapServers());
        props.put("isolation.level", "read_committed");
        List<EventNotification> events = new ArrayList<>();
        try (KafkaConsumer<String, EventNotification> consumer = new KafkaConsumer<>(props,
                Topics.FLEET_EVENTS.keySerde().deserializer(), Topics.FLEET_EVENTS.valueSerde().deserializer())) {
            List<TopicPartition> partitions = start.keySet().stream().map(p -> new TopicPartition(Topics.FLEET_EVENTS.name(), p)).toList();
            consumer.assign(partitions);
            partitions.forEach(tp -> consumer.seek(tp, start.get(tp.partition())));
            Map<TopicPartition, Long> stopAt = end != null
                    ? partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> end.get(tp.partition())))
                    : consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < stopAt.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, EventNotification> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < stopAt.get(tp)) {
                        events.add(record.value());
                    }
                }
            }
        }
        return events;
    }
}
