module ai-gateway-operator/e2e/demo/subreaper

go 1.22
