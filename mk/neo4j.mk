# Neo4j Community 5.26 LTS, embedded in java/neo4j-launcher, with Bolt on 127.0.0.1 and auth on.
#   make neo4j-start   build with Maven when pom.xml or the source changed (output in var/neo4j-build.log),
#                      start in the background, wait for a real login; says so when already running
#   make neo4j-stop    SIGTERM and wait (a clean shutdown); fine when it is not running
# Settings (make variables or environment): NEO4J_PORT (7687), NEO4J_PASSWORD (policykg-dev, user
# neo4j), NEO4J_DATA_DIR (var/neo4j), NEO4J_HEAP (1g), NEO4J_PAGECACHE (64m), NEO4J_PID (var/neo4j.pid),
# NEO4J_LOG (var/neo4j.log). A second Neo4j on the same checkout needs its own port, data dir and pid file.
# The small heap and page cache are enough, measured: loading the 5,000-document store (356,565 nodes,
# 1,073,192 relationships) into an empty database took as much Neo4j CPU and garbage collection with
# NEO4J_HEAP=2g NEO4J_PAGECACHE=1g or 4g/2g as with 1g/64m (the load is CPU-bound: the store is written
# through the page cache once; the heap holds one 10,000-row transaction per writer), so the defaults
# leave the memory to the build and the tests. Raise them for a much larger graph or heavy querying.

NEO4J_PORT      ?= 7687
NEO4J_PASSWORD  ?= policykg-dev
NEO4J_DATA_DIR  ?= $(CURDIR)/var/neo4j
NEO4J_HEAP      ?= 1g
NEO4J_PAGECACHE ?= 64m
export NEO4J_PORT NEO4J_PASSWORD NEO4J_DATA_DIR NEO4J_PAGECACHE

JAVA ?= java
MVN  ?= mvn

NEO4J_DIR   := java/neo4j-launcher
NEO4J_BUILT := $(NEO4J_DIR)/target/.built
NEO4J_PID   ?= var/neo4j.pid
NEO4J_LOG   ?= var/neo4j.log
NEO4J_MATCH := org.policykg.Neo4jLauncher
NEO4J_JVM   := -Xms$(NEO4J_HEAP) -Xmx$(NEO4J_HEAP) \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  -Dio.netty.tryReflectionSetAccessible=true

# One line saying what to install when java 17+ or maven is missing.
NEO4J_NEEDS = command -v $(JAVA) >/dev/null 2>&1 && command -v $(MVN) >/dev/null 2>&1 \
  && [ "$$($(JAVA) -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')" -ge 17 ] 2>/dev/null \
  || { echo "neo4j-start: java 17 and maven are needed: apt-get install openjdk-17-jdk maven" >&2; exit 1; }

SERVICES_START += neo4j-start
SERVICES_STOP  += neo4j-stop
.PHONY: neo4j-start neo4j-stop neo4j-build

neo4j-build: $(NEO4J_BUILT)

$(NEO4J_BUILT): $(NEO4J_DIR)/pom.xml $(NEO4J_DIR)/src/main/java/org/policykg/Neo4jLauncher.java
	@$(NEO4J_NEEDS)
	@if $(PYTHON) scripts/service.py status neo4j --pid-file $(NEO4J_PID) --match $(NEO4J_MATCH) >/dev/null; \
	  then echo "neo4j-build: neo4j is running from the old build: run \`make neo4j-stop\` first" >&2; exit 1; fi
	@echo "neo4j: building $(NEO4J_DIR) with Maven (downloads Neo4j the first time)"
	@rm -rf $(NEO4J_DIR)/target/lib && mkdir -p var
	@cd $(NEO4J_DIR) && $(MVN) -B -ntp package >$(CURDIR)/var/neo4j-build.log 2>&1 \
	  || { tail -40 $(CURDIR)/var/neo4j-build.log; echo "neo4j-build: Maven failed; full output in var/neo4j-build.log" >&2; exit 1; }
	@touch $@

neo4j-start: $(NEO4J_BUILT) $(VENV)/.installed
	@$(NEO4J_NEEDS)
	@$(PY) scripts/service.py start neo4j --port $(NEO4J_PORT) --port-var NEO4J_PORT \
	  --pid-file $(NEO4J_PID) --log $(NEO4J_LOG) --match $(NEO4J_MATCH) --timeout 180 --neo4j-login \
	  --ready-text 'Neo4jLauncher: ready' \
	  -- $(JAVA) $(NEO4J_JVM) -cp '$(NEO4J_DIR)/target/classes:$(NEO4J_DIR)/target/lib/*' $(NEO4J_MATCH)

neo4j-stop:
	@$(PYTHON) scripts/service.py stop neo4j --pid-file $(NEO4J_PID) --match $(NEO4J_MATCH) --timeout 60
