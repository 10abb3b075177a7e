terraform {
  # 1.9: the ledger choice in variables.tf is a validation that reads another variable.
  required_version = ">= 1.9"
  required_providers {
    opentelekomcloud = {
      source  = "opentelekomcloud/opentelekomcloud"
      version = ">= 1.36.69"
    }
  }
}

# Credentials come from the environment, as the provider reads them: OS_ACCESS_KEY and
# OS_SECRET_KEY (or OS_USERNAME and OS_PASSWORD). Nothing secret is written here.
provider "opentelekomcloud" {
  auth_url    = "https://iam.${var.region}.otc.t-systems.com/v3"
  domain_name = var.domain_name
  tenant_name = var.project_name
}

# The custom policy and the agency are account-level IAM resources: the provider's docs say the
# agency cannot be managed through a provider that has tenant_name set.
provider "opentelekomcloud" {
  alias       = "iam"
  auth_url    = "https://iam.${var.region}.otc.t-systems.com/v3"
  domain_name = var.domain_name
}
