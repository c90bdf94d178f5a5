package io.strata.platform.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Serves the web console (static assets of the {@code web-console} module under {@code /console/}).
 * The console routes in the browser, so every view's URL answers with the same page on reload or when shared;
 * the page's script then renders the view the path names. {@code /} opens the console; {@code /topics} and
 * {@code /consumers} stay with the v2 HTTP API.
 */
@Controller
public class ConsoleRoutes {
    static final String PAGE = "forward:/console/index.html";

    @GetMapping("/")
    public String root() {
        return "redirect:/console/";
    }

    @GetMapping("/console")
    public String console() {
        return "redirect:/console/";
    }

    /** Every view of the console; assets live under /console/assets/ and are not matched here. */
    @GetMapping({"/console/", "/console/topics", "/console/topics/{name}", "/console/topics/{name}/messages",
            "/console/groups", "/console/groups/{id}", "/console/brokers", "/console/brokers/{id}",
            "/console/acls"})
    public String view() {
        return PAGE;
    }
}
