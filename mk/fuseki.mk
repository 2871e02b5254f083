# Apache Jena Fuseki with one in-memory, updatable dataset /policykg on 127.0.0.1 only.
#   make fuseki-start  fetch the server jar with Maven (first time only), start it, wait for /$/ping
#   make fuseki-stop   SIGTERM and wait; fine when it is not running
# Settings (make variables or environment): FUSEKI_PORT (3030), FUSEKI_HEAP (512m), FUSEKI_PID
# (var/fuseki.pid), FUSEKI_LOG (var/fuseki.log), FUSEKI_BASE (var/fuseki: Fuseki's own run directory).
# Endpoints: http://127.0.0.1:$(FUSEKI_PORT)/policykg/query and /policykg/update. SERVICE is off
# (arq:httpServiceAllowed=false): a query that reaches the server unchecked still fetches nothing.

FUSEKI_PORT    ?= 3030
FUSEKI_HEAP    ?= 512m
FUSEKI_BASE    ?= $(CURDIR)/var/fuseki
FUSEKI_VERSION := 5.6.0
export FUSEKI_PORT

JAVA ?= java
MVN  ?= mvn

FUSEKI_JAR   := java/fuseki/target/jena-fuseki-server-$(FUSEKI_VERSION).jar
FUSEKI_PID   ?= var/fuseki.pid
FUSEKI_LOG   ?= var/fuseki.log
FUSEKI_MATCH := jena-fuseki-server-

FUSEKI_NEEDS = command -v $(JAVA) >/dev/null 2>&1 && command -v $(MVN) >/dev/null 2>&1 \
  && [ "$$($(JAVA) -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')" -ge 17 ] 2>/dev/null \
  || { echo "fuseki-start: java 17 and maven are needed: apt-get install openjdk-17-jdk maven" >&2; exit 1; }

SERVICES_START += fuseki-start
SERVICES_STOP  += fuseki-stop
.PHONY: fuseki-start fuseki-stop

$(FUSEKI_JAR):
	@$(FUSEKI_NEEDS)
	@echo "fuseki: fetching jena-fuseki-server $(FUSEKI_VERSION) with Maven"
	@mkdir -p var && $(MVN) -B -ntp org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
	  -Dartifact=org.apache.jena:jena-fuseki-server:$(FUSEKI_VERSION) -DoutputDirectory=$(dir $@) \
	  >var/fuseki-fetch.log 2>&1 \
	  || { tail -40 var/fuseki-fetch.log; echo "fuseki-start: Maven failed; full output in var/fuseki-fetch.log" >&2; exit 1; }

fuseki-start: $(FUSEKI_JAR)
	@$(FUSEKI_NEEDS)
	@FUSEKI_BASE=$(FUSEKI_BASE) $(PYTHON) scripts/service.py start fuseki \
	  --port $(FUSEKI_PORT) --port-var FUSEKI_PORT --pid-file $(FUSEKI_PID) --log $(FUSEKI_LOG) \
	  --match $(FUSEKI_MATCH) --timeout 120 --http-path '/$$/ping' \
	  -- $(JAVA) -Xmx$(FUSEKI_HEAP) -jar $(FUSEKI_JAR) --localhost --port $(FUSEKI_PORT) \
	  --set arq:httpServiceAllowed=false --mem --update /policykg

fuseki-stop:
	@$(PYTHON) scripts/service.py stop fuseki --pid-file $(FUSEKI_PID) --match $(FUSEKI_MATCH) --timeout 60
