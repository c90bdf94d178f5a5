package io.strata.platform.console;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One headless Chromium for every console test class of the JVM (starting one costs seconds), quit when the JVM
 * exits. It is Debian's chromium and chromedriver ({@code .ci/run} installs them); Selenium Manager is never
 * asked, since it would go to the network. STRATA_CHROMIUM and STRATA_CHROMEDRIVER point elsewhere.
 */
final class Browser {
    private static ChromeDriver driver;

    private Browser() {
    }

    static synchronized ChromeDriver driver() {
        if (driver == null) {
            driver = start();
            ChromeDriver started = driver;
            Runtime.getRuntime().addShutdownHook(new Thread(started::quit, "chromium-quit"));
        }
        return driver;
    }

    private static String chromium() {
        return System.getenv().getOrDefault("STRATA_CHROMIUM", "/usr/bin/chromium");
    }

    private static String chromedriver() {
        return System.getenv().getOrDefault("STRATA_CHROMEDRIVER", "/usr/bin/chromedriver");
    }

    /** Why the browser cannot start here, or empty when chromium and chromedriver are installed. */
    static Optional<String> missing() {
        for (String binary : new String[]{chromium(), chromedriver()}) {
            if (!new File(binary).canExecute()) {
                return Optional.of(binary + " is missing: the console tests drive Debian's chromium and "
                        + "chromium-driver packages (apt-get install chromium chromium-driver, as .ci/run does)");
            }
        }
        return Optional.empty();
    }

    private static ChromeDriver start() {
        String chromium = chromium();
        String chromedriver = chromedriver();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--window-size=1366,900",
                "--user-data-dir=" + tempDir("strata-chromium-"));
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static String tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
