package io.strata.platform.metadata;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * On PostgreSQL, every pooled metadata connection has the server end a transaction its broker leaves idle for a
 * third of the session timeout ({@code idle_in_transaction_session_timeout}, 3 s by default). A broker frozen
 * inside a metadata transaction (SIGSTOP, a long GC pause, a hung host) would otherwise keep its row locks,
 * the controller lease's and the metadata version's, for as long as it is frozen, and every other broker's
 * controller election, lease renewal and ISR write would wait on it. The frozen broker's transaction is rolled
 * back; it learns so from its next statement, as from any lost connection. A third leaves the controller time to
 * renew its lease once the lock is released. Statements that run (not idle) are not limited. A connection
 * init SQL set by the user is kept as it is.
 */
@Component
public class PostgresIdleTransactionTimeout implements BeanPostProcessor, EnvironmentAware {
    private Duration timeout = Duration.ofSeconds(3);

    @Override
    public void setEnvironment(Environment environment) {
        Duration session = Binder.get(environment).bind("strata.broker.session-timeout", Duration.class)
                .orElse(Duration.ofSeconds(9));
        timeout = Duration.ofMillis(Math.max(1_000, session.toMillis() / 3));
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null
                && pool.getJdbcUrl().startsWith("jdbc:postgresql:") && pool.getConnectionInitSql() == null) {
            pool.setConnectionInitSql(initSql());
        }
        return bean;
    }

    String initSql() {
        return "SET idle_in_transaction_session_timeout = " + timeout.toMillis();
    }
}
