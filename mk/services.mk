# Services the tests need; each service's own .mk adds itself to these lists.
SERVICES_START ?=
SERVICES_STOP ?=
.PHONY: services-start services-stop
services-start: $(SERVICES_START)
services-stop: $(SERVICES_STOP)
