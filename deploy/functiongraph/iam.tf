# The function's identity: an agency that FunctionGraph assumes (op_svc_cff is the FunctionGraph
# service). FunctionGraph hands the agency's temporary AK/SK and security token to each run;
# nothing is stored or rotated. SECURITY.md "FunctionGraph agency" explains each permission.
#
# What each call needs, from DRS's permission table (otc-docs/drs/permissions_management.rst,
# Table 3, "Common operations and supported actions"):
#   list (DRS_DISCOVER)            drs:migrationJob:list    no dependency
#   batch-status                   drs:migrationJob:get     no dependency ("Querying task statuses")
#   batch-detail                   drs:migrationJob:get     the instance's read permission, e.g. RDS
#                                                           ReadOnlyAccess ("Querying task details")
#   batch-retry-task               drs:migrationJob:action  VPC FullAccess, and RDS ReadOnlyAccess
#                                                           with RDS ("Performing operations on tasks")
# The dependencies are system policies: var.drs_dependency_policies grants them by name.

locals {
  custom_policy = var.drs_permissions == "custom"

  # drs_permissions = "system": DRS's own policy without deletion (Table 1), for accounts where
  # IAM refuses the custom policy. The SMN and VPC needs then come from the system policies that
  # FunctionGraph's docs name for them ("Configuring Agency Permissions", Table 1).
  system_policies = local.custom_policy ? [] : concat(
    ["DRS FullWithOutDeletePermission"],
    var.smn_topic_urn == null ? [] : ["SMN Administrator"],
    var.vpc_id == null || contains(var.drs_dependency_policies, "VPC FullAccess") ? [] : ["VPC Administrator"],
  )

  agency_roles = concat(
    local.custom_policy ? [opentelekomcloud_identity_role_v3.drs_retry[0].display_name] : [],
    var.drs_dependency_policies,
    local.system_policies,
  )
}

resource "opentelekomcloud_identity_role_v3" "drs_retry" {
  count         = local.custom_policy ? 1 : 0
  provider      = opentelekomcloud.iam
  display_name  = "${var.name}-drs-retry"
  description   = "drs-auto-retry: list and read DRS tasks, retry failed ones"
  display_layer = "project"

  statement {
    effect = "Allow"
    action = [
      # List tasks (POST /v3/{project_id}/jobs, DRS_DISCOVER): "Obtaining the online migration task list".
      "drs:migrationJob:list",
      # Read statuses and details (jobs/batch-status, jobs/batch-detail): "Querying task statuses" and "Querying task details".
      "drs:migrationJob:get",
      # Retry (jobs/batch-retry-task). NOT CONFIRMED: the DRS permission docs map "Performing operations
      # on tasks" and "Starting a task" to this action, but name none for retrying a task.
      "drs:migrationJob:action",
    ]
  }

  # Only with smn_topic_urn: the SMN sink publishes the report with the agency's credentials.
  # "smn:topic:publish (Publish a message)" is the FunctionGraph docs' fine-grained SMN permission
  # ("Configuring Agency Permissions").
  dynamic "statement" {
    for_each = var.smn_topic_urn == null ? [] : [1]
    content {
      effect = "Allow"
      action = ["smn:topic:publish"]
    }
  }

  # Only with vpc_id: what FunctionGraph needs to attach the function to the VPC, as the
  # FunctionGraph docs list it ("Configuring Agency Permissions", fine-grained VPC permissions).
  dynamic "statement" {
    for_each = var.vpc_id == null ? [] : [1]
    content {
      effect = "Allow"
      action = [
        "vpc:vpcs:get",
        "vpc:subnets:get",
        "vpc:ports:get",
        "vpc:ports:create",
        "vpc:vips:delete",
        "vpc:securityGroups:get",
      ]
    }
  }
}

resource "opentelekomcloud_identity_agency_v3" "function" {
  provider              = opentelekomcloud.iam
  name                  = "${var.name}-agency"
  description           = "drs-auto-retry: lets the FunctionGraph function retry DRS tasks in ${var.project_name}"
  delegated_domain_name = "op_svc_cff"

  project_role {
    project = var.project_name
    roles   = local.agency_roles
  }
}
