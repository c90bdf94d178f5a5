package io.strata.platform.console;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleShellTest extends ConsoleTestBase {

    @Test
    void theRootOpensTheConsoleAndEveryViewUrlWorksOnReload() {
        open("/");
        waitFor(By.cssSelector("#nav a[aria-current='page'][data-section='overview']"));
        assertThat(browser.getCurrentUrl()).endsWith("/console/");
        open("/console/brokers");
        waitFor(By.cssSelector("#nav a[aria-current='page'][data-section='brokers']"));
    }

    @Test
    void theThemeToggleSwitchesAndIsRemembered() {
        open("/console/");
        String before = (String) script("return document.documentElement.dataset.theme");
        waitFor(By.id("theme-toggle")).click();
        String after = (String) script("return document.documentElement.dataset.theme");
        assertThat(after).isNotEqualTo(before);
        browser.navigate().refresh();
        assertThat(script("return document.documentElement.dataset.theme")).isEqualTo(after);
        waitFor(By.id("theme-toggle")).click();
    }

    @Test
    void theConsoleIsUsableFromTheKeyboardAndTheBackButtonReturns() {
        open("/console/");
        waitFor(By.cssSelector("#nav a[aria-current='page']"));
        new Actions(browser).sendKeys(Keys.TAB).perform();
        assertThat(script("return document.activeElement.textContent")).isEqualTo("Skip to content");
        browser.findElement(By.cssSelector("#nav a[data-section='topics']")).sendKeys(Keys.ENTER);
        waitFor(By.cssSelector("#nav a[aria-current='page'][data-section='topics']"));
        assertThat(browser.getCurrentUrl()).endsWith("/console/topics");
        browser.navigate().back();
        waitFor(By.cssSelector("#nav a[aria-current='page'][data-section='overview']"));
    }

    @Test
    void anUnknownConsolePathSaysSoInsteadOfABlankPage() {
        open("/console/");
        waitFor(By.cssSelector("#nav a[aria-current='page']"));
        script("history.pushState(null, '', '/console/nowhere'); dispatchEvent(new PopStateEvent('popstate'))");
        waitForText(By.id("view"), "no page at /console/nowhere");
    }

    @Test
    void theBrowserLogCheckSeesAnUncaughtError() {
        open("/console/");
        waitFor(By.cssSelector("#nav a[aria-current='page']"));
        script("setTimeout(() => { throw new Error('deliberate console test error'); }, 0)");
        waiting().until(b -> !javaScriptErrors().isEmpty());
    }
}
