package io.strata.platform.console;

import io.strata.platform.http.HttpPlatformTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real headless Chromium against the platform on a random port (the HTTP tests' shared
 * context). After each test the browser's log must hold no JavaScript error; failed HTTP calls are not
 * JavaScript errors (the console shows REST errors on purpose), so "Failed to load resource" lines pass.
 * Screenshots go to target/console-screenshots/.
 */
public abstract class ConsoleTestBase extends HttpPlatformTestBase {
    protected static final Duration WAIT = Duration.ofSeconds(10);
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    protected WebDriver browser;

    @BeforeEach
    void openBrowser() {
        Browser.missing().ifPresent(reason -> {
            // Mandatory in CI (.ci/run installs the browser); elsewhere skipped, as the kcat tests are.
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(reason);
            }
            Assumptions.abort(reason);
        });
        browser = Browser.driver();
        browser.manage().logs().get(LogType.BROWSER); // drops what earlier tests left
    }

    @AfterEach
    void noJavaScriptErrors() {
        if (browser == null) {
            return;
        }
        List<String> errors = javaScriptErrors();
        assertThat(errors).as("JavaScript errors in the browser log").isEmpty();
    }

    /** Opens a console path such as {@code /console/topics}. */
    protected void open(String path) {
        browser.get("http://127.0.0.1:" + httpPort + path);
    }

    /** Waits up to 10 s; a view redrawn meanwhile (a stale element) is simply looked at again. */
    protected FluentWait<WebDriver> waiting() {
        return new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class);
    }

    protected WebElement waitFor(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    protected void waitForText(By by, String text) {
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    protected Object script(String js, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(js, args);
    }

    /** Saves what the browser shows as target/console-screenshots/{name}.png. */
    protected Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Path shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The browser log's JavaScript errors since the last call (reading the log empties it). */
    protected List<String> javaScriptErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("Failed to load resource"))
                .toList();
    }
}
