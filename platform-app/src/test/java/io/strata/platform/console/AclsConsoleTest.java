package io.strata.platform.console;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;

class AclsConsoleTest extends ConsoleTestBase {

    @Test
    void withoutAnAuthorizerThePageSaysAclsAreNotEnabledAndItsFormsStayUsable() {
        open("/console/acls");
        WebElement state = waitFor(By.id("acls-not-enabled"));
        assertThat(state.getText()).contains("not enabled").contains("40002");
        assertThat(browser.findElements(By.cssSelector(".alert-error"))).as("not shown as a failure").isEmpty();
        screenshot("acls");
        script("document.documentElement.dataset.theme = 'dark'");
        screenshot("acls-dark");
        script("document.documentElement.dataset.theme = 'light'");

        new Select(browser.findElement(By.id("acl-resource_type"))).selectByValue("TOPIC");
        browser.findElement(By.id("acl-resource_name")).sendKeys("orders");
        browser.findElement(By.cssSelector("#acl-filter button[type='submit']")).click();
        waitFor(By.id("acls-not-enabled"));
        assertThat(browser.getCurrentUrl()).contains("resource_type=TOPIC").contains("resource_name=orders");

        browser.findElement(By.id("acl-add")).click();
        browser.findElement(By.cssSelector("dialog [data-confirm]")).click();
        waitFor(By.cssSelector("dialog .field-error"));
        browser.findElement(By.cssSelector("dialog input[name='resource_name']")).sendKeys("orders");
        browser.findElement(By.cssSelector("dialog input[name='principal']")).sendKeys("User:alice");
        browser.findElement(By.cssSelector("dialog [data-confirm]")).click();
        waitForText(By.cssSelector("dialog .dialog-error"), "authorizer");
        browser.findElement(By.cssSelector("dialog [data-cancel]")).click();
        waiting().until(b -> b.findElements(By.cssSelector("dialog")).isEmpty());
    }
}
