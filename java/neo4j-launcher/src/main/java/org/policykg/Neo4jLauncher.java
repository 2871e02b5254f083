/*
 * Runs Neo4j Community embedded with a Bolt connector on 127.0.0.1, authentication on, until SIGTERM.
 *
 * Environment: NEO4J_PORT (default 7687), NEO4J_PASSWORD for the user neo4j (default policykg-dev),
 * NEO4J_DATA_DIR (default var/neo4j, relative to the working directory) and NEO4J_PAGECACHE
 * (default 64m). See mk/neo4j.mk, which starts and stops it. Bolt accepts connections a few seconds
 * before the password is set, so clients wait for the "ready" line this prints; logins before it fail,
 * and repeated failures lock the user for 5 s. Usage data reporting is off (no network but 127.0.0.1),
 * and the Bolt server's idle wait on shutdown is cut from about 10 s to at most 2 s.
 *
 * Limits that hold even for a query that never went through policykg's guard (see docs/security.md):
 * LOAD CSV may not read file:/// URLs, and Cypher may not fetch from any IPv4 or IPv6 address (the
 * blocklist covers every address, so LOAD CSV over http cannot reach this host or any other); of the
 * plugin procedures (APOC and the like, if someone drops a jar in) only db.* ones would load, and none
 * is unrestricted. Neo4j Community has no roles: its built-in dbms.* procedures stay callable by
 * anyone who logs in, so the consoles refuse them from the query plan (graph.guard.check_cypher_plan).
 */
package org.policykg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;
import inet.ipaddr.IPAddressString;

public final class Neo4jLauncher {

    private static final String SAME_PASSWORD = "Old password and new password cannot be the same";

    /** The plugin procedures Neo4j may load (built-in procedures are not affected in Community). */
    private static final List<String> PROCEDURE_ALLOWLIST = List.of("db.*");

    /** Every address: Cypher (LOAD CSV) may fetch from none. */
    private static final List<IPAddressString> BLOCK_ALL = List.of(
            new IPAddressString("0.0.0.0/0"), new IPAddressString("::/0"));

    private Neo4jLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(env("NEO4J_PORT", "7687"));
        String password = env("NEO4J_PASSWORD", "policykg-dev");
        Path home = Path.of(env("NEO4J_DATA_DIR", "var/neo4j")).toAbsolutePath();
        long pageCache = ByteUnit.parse(env("NEO4J_PAGECACHE", "64m"));

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseInternalSettings.cypher_ip_blocklist, BLOCK_ALL)
                .setConfig(GraphDatabaseSettings.procedure_allowlist, PROCEDURE_ALLOWLIST)
                .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of())
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Neo4jLauncher: shutting down");
            service.shutdown();
            System.out.println("Neo4jLauncher: stopped");
            stopped.countDown();
        }, "neo4j-shutdown"));

        try {
            setPassword(service, password);
        } catch (RuntimeException e) {
            System.err.println("Neo4jLauncher: could not set the password of user neo4j: " + e.getMessage());
            System.exit(1);
        }
        System.out.printf("Neo4jLauncher: ready on bolt://127.0.0.1:%d, data in %s%n", port, home);
        stopped.await();
    }

    /** Sets the neo4j user's password; a restart with the password it already has is fine. */
    private static void setPassword(DatabaseManagementService service, String password) {
        try {
            service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
            System.out.println("Neo4jLauncher: password of user neo4j set from NEO4J_PASSWORD");
        } catch (QueryExecutionException e) {
            if (!String.valueOf(e.getMessage()).contains(SAME_PASSWORD)) {
                throw e;
            }
            System.out.println("Neo4jLauncher: user neo4j already has the password from NEO4J_PASSWORD");
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
