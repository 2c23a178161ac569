package dev.lakehouse.gateway.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumDriverLogLevel;
import org.openqa.selenium.remote.http.ClientConfig;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through chromedriver, for tests of browser flows (sign-in, consent, redirects).
 * Uses Debian's {@code chromium} and {@code chromium-driver} packages ({@code .ci/run} installs them); Selenium
 * Manager is never asked to find or download anything. Each instance has its own fresh profile, so cookies and
 * storage never leak between tests, and every page load and wait is bounded by {@link #TIMEOUT}.
 *
 * <pre>
 * Browser.assumeAvailable();
 * try (Browser browser = new Browser()) {
 *     browser.open(url).fill("username", "alice").click("button[value=allow]");
 *     browser.waitForUrl(u -> u.startsWith(callback), Browser.TIMEOUT);
 * }
 * </pre>
 */
public final class Browser implements AutoCloseable {

    /** Bound of page loads, waits and driver commands: a broken page fails the test instead of hanging it. */
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Overridable with -Dbrowser.chromium / -Dbrowser.chromedriver for a machine that keeps them elsewhere. */
    public static final Path CHROMIUM = Path.of(System.getProperty("browser.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));

    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Path DRIVER_LOGS = Path.of("target", "browser-logs");

    /** A bare identifier is a form field's name ("username"); anything else is a CSS selector. */
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-]*");
    private static final Pattern MAJOR = Pattern.compile("(\\d+)\\.\\d+\\.\\d+");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    static {
        // Selenium passes SE_* system properties to Selenium Manager as environment: should anything ever launch it,
        // it stays offline and sends no usage statistics. With an explicit driver path it is not launched at all.
        System.setProperty("SE_AVOID_STATS", System.getProperty("SE_AVOID_STATS", "true"));
        System.setProperty("SE_OFFLINE", System.getProperty("SE_OFFLINE", "true"));
    }

    private static volatile String unavailableReason;
    private static volatile boolean probed;

    private final Path profile;
    private final ChromeDriver driver;
    private final int id;

    /** Starts a headless Chromium with a fresh profile; throws when it cannot start (see {@link #available()}). */
    public Browser() {
        id = INSTANCES.incrementAndGet();
        try {
            profile = Files.createTempDirectory("browser-profile-");
            Files.createDirectories(DRIVER_LOGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.setPageLoadStrategy(PageLoadStrategy.NORMAL);
        List<String> args = new ArrayList<>(List.of(
                "--headless=new",
                "--disable-dev-shm-usage", // a container's /dev/shm is often 64 MB: Chromium would crash there
                "--disable-gpu",
                "--window-size=1280,900",
                "--lang=en-US",
                "--no-first-run",
                "--no-default-browser-check",
                "--user-data-dir=" + profile,
                // nothing phones home: no component updates, sync, field trials or safe-browsing lookups
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--disable-features=Translate,OptimizationHints,MediaRouter",
                "--password-store=basic"));
        if (runningAsRoot()) {
            args.add("--no-sandbox"); // Chromium refuses to start its sandbox as root (CI runs as root)
        }
        options.addArguments(args);
        // English pages whatever the machine's locale; no password manager bubbles or leak checks (a network call)
        options.setExperimentalOption("prefs", Map.of(
                "intl.accept_languages", "en-US,en",
                "credentials_enable_service", false,
                "profile.password_manager_enabled", false,
                "profile.password_manager_leak_detection", false));

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()) // an explicit driver: Selenium Manager is skipped
                .usingAnyFreePort()
                .withLogLevel(ChromiumDriverLogLevel.WARNING)
                .withLogFile(DRIVER_LOGS.resolve("chromedriver-" + id + ".log").toFile())
                .withTimeout(TIMEOUT)
                .build();
        // a command's reply (page load included) never takes longer than this: no test hangs on a stuck browser
        ClientConfig client = ClientConfig.defaultConfig().readTimeout(TIMEOUT.plusSeconds(10));
        ChromeDriver started;
        try {
            started = new ChromeDriver(service, options, client);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
        driver = started;
        driver.manage().timeouts().pageLoadTimeout(TIMEOUT).scriptTimeout(TIMEOUT).implicitlyWait(Duration.ZERO);
    }

    /**
     * Whether Chromium and chromedriver are installed, run, and are of the same major version (they refuse each
     * other otherwise). Probed once per JVM.
     */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Why no browser can be started here, or null when one can. */
    public static synchronized String unavailableReason() {
        if (!probed) {
            unavailableReason = probe();
            probed = true;
        }
        return unavailableReason;
    }

    /**
     * Skips the calling test when no browser can be started, with the reason. On CI ({@code CI=true}) or with
     * {@code -Dbrowser.required=true} it fails instead: {@code .ci/run} installs the browser, so a missing one there
     * is a broken install, not a reason to skip.
     */
    public static void assumeAvailable() {
        String reason = unavailableReason();
        if (reason == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("browser.required")) {
            Assertions.fail("A real browser is required here: " + reason);
        }
        Assumptions.abort("No real browser: " + reason);
    }

    private static String probe() {
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary)) {
                return binary + " is missing (install the Debian packages chromium and chromium-driver, as .ci/run does)";
            }
        }
        String browserVersion = version(CHROMIUM);
        String driverVersion = version(CHROMEDRIVER);
        Matcher browserMajor = MAJOR.matcher(browserVersion);
        Matcher driverMajor = MAJOR.matcher(driverVersion);
        if (!browserMajor.find() || !driverMajor.find()) {
            return "cannot read the versions: '" + browserVersion + "', '" + driverVersion + "'";
        }
        if (!browserMajor.group(1).equals(driverMajor.group(1))) {
            return "chromium " + browserMajor.group() + " and chromedriver " + driverMajor.group()
                    + " are of different major versions";
        }
        return null;
    }

    /** The first line of {@code <binary> --version}, or what went wrong. */
    private static String version(Path binary) {
        try {
            Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return binary + " --version did not answer";
            }
            // the Debian launcher script may print shell warnings first: keep the line that names a version
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return out.lines().filter(line -> MAJOR.matcher(line).find()).findFirst().orElse(out.strip());
        } catch (IOException e) {
            return binary + " --version failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return binary + " --version interrupted";
        }
    }

    private static boolean runningAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Loads the page and waits for it (bounded by {@link #TIMEOUT}). */
    public Browser open(String url) {
        driver.get(url);
        return this;
    }

    /** Types into a field found by name ({@code "password"}) or CSS selector, replacing what it held. */
    public Browser fill(String nameOrSelector, String value) {
        WebElement field = waitFor(d -> firstVisible(d, nameOrSelector), "visible field " + nameOrSelector);
        field.clear();
        field.sendKeys(value);
        return this;
    }

    /** Clicks the element matched by the CSS selector once it is visible and enabled. */
    public Browser click(String selector) {
        waitFor(ExpectedConditions.elementToBeClickable(By.cssSelector(selector)), "clickable " + selector).click();
        return this;
    }

    /**
     * Submits the form matched by the CSS selector (or holding the matched element) as pressing Enter would. A
     * button's own name and value are not sent this way: use {@link #click} for "allow"/"deny" style buttons.
     */
    public Browser submit(String selector) {
        waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector(selector)), "form " + selector).submit();
        return this;
    }

    /** Waits until the current URL satisfies the predicate and returns it. */
    public String waitForUrl(Predicate<String> condition, Duration timeout) {
        return waitFor(d -> {
            String url = d.getCurrentUrl();
            return url != null && condition.test(url) ? url : null;
        }, "a matching URL", timeout);
    }

    /** Waits until the current URL starts with the prefix and returns it. */
    public String waitForUrl(String prefix) {
        return waitForUrl(url -> url.startsWith(prefix), TIMEOUT);
    }

    /** Waits until the page's visible text contains the text. */
    public Browser waitForText(String text) {
        waitFor(d -> visibleText(d).contains(text) ? Boolean.TRUE : null, "text '" + text + "'", TIMEOUT);
        return this;
    }

    /** The visible text of the page's body (what a person reads, hidden fields excluded). */
    public String text() {
        return visibleText(driver);
    }

    public String currentUrl() {
        return driver.getCurrentUrl();
    }

    public String title() {
        return driver.getTitle();
    }

    /**
     * Saves a PNG of the viewport. A relative path lands under {@code target/screenshots/}; parent folders are
     * created. Returns the file written.
     */
    public Path screenshot(Path file) {
        Path target = file.isAbsolute() ? file : SCREENSHOTS.resolve(file);
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** The underlying driver, for what the helpers do not cover (cookies, scripts, windows). */
    public WebDriver driver() {
        return driver;
    }

    /** Quits the driver (ending Chromium) and deletes the profile, whatever state the browser is in. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    /** By name first when it is a bare identifier (hidden fields skipped), else by CSS; null while none shows. */
    private static WebElement firstVisible(WebDriver d, String nameOrSelector) {
        List<WebElement> found = FIELD_NAME.matcher(nameOrSelector).matches()
                ? d.findElements(By.name(nameOrSelector)) : List.of();
        if (found.isEmpty()) {
            found = d.findElements(By.cssSelector(nameOrSelector));
        }
        return found.stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    }

    private static String visibleText(WebDriver d) {
        List<WebElement> body = d.findElements(By.tagName("body"));
        return body.isEmpty() ? "" : body.get(0).getText();
    }

    private <T> T waitFor(Function<WebDriver, T> condition, String what) {
        return waitFor(condition, what, TIMEOUT);
    }

    /** A bounded wait; on timeout the message tells the URL, the page text and where a screenshot was saved. */
    private <T> T waitFor(Function<WebDriver, T> condition, String what, Duration timeout) {
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                    .ignoring(StaleElementReferenceException.class).until(condition);
        } catch (TimeoutException e) {
            String shot;
            try {
                shot = screenshot(Path.of("timeout-" + id + "-" + System.currentTimeMillis() + ".png")).toString();
            } catch (RuntimeException screenshotFailed) {
                shot = "none (" + screenshotFailed.getMessage() + ")";
            }
            String page;
            try {
                page = text();
            } catch (RuntimeException textFailed) {
                page = "unreadable (" + textFailed.getMessage() + ")";
            }
            throw new AssertionError("Waited " + timeout.toSeconds() + " s for " + what + " at " + currentUrl()
                    + "; page text: " + (page.length() > 500 ? page.substring(0, 500) + "…" : page)
                    + "; screenshot: " + shot, e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp profile is harmless; the next browser gets a new one anyway
        }
    }
}
