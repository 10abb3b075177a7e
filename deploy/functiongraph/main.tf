locals {
  # Plain user data: visible in the console, so nothing secret.
  user_data = merge(
    {
      OS_REGION_NAME = var.region
      DRS_JOB_IDS    = join(",", var.job_ids)
      DRS_DISCOVER   = tostring(var.discover)
    },
    var.smn_topic_urn == null ? {} : { NOTIFY_SMN_TOPIC_URN = var.smn_topic_urn },
    var.settings,
  )
  # Encrypted user data: the run reads it with context.getUserData like the plain settings.
  secrets = merge(
    var.ledger_url == null ? {} : { DRS_LEDGER_URL = var.ledger_url },
    var.secret_settings,
  )
}

resource "opentelekomcloud_fgs_function_v2" "drs_auto_retry" {
  name          = var.name
  app           = "default"
  description   = "Retries failed DRS tasks and logs one report per run (drs-auto-retry)"
  runtime       = "Node.js20.15"
  handler       = "index.handler"
  code_type     = "zip"
  func_code     = filebase64(var.zip_path)
  code_filename = basename(var.zip_path)
  memory_size   = var.memory_size
  timeout       = var.timeout_seconds
  # One instance at a time: two overlapping runs would read the same failed tasks and both retry them.
  max_instance_num = 1

  # The same agency configures and runs the function; the run takes its credentials from it.
  agency     = opentelekomcloud_identity_agency_v3.function.name
  app_agency = opentelekomcloud_identity_agency_v3.function.name

  user_data           = jsonencode(local.user_data)
  encrypted_user_data = length(local.secrets) == 0 ? null : jsonencode(local.secrets)

  # Only to reach a ledger inside a VPC (variables vpc_id, subnet_id).
  vpc_id     = var.vpc_id
  network_id = var.subnet_id

  log_group_id   = opentelekomcloud_lts_group_v2.logs.id
  log_group_name = opentelekomcloud_lts_group_v2.logs.group_name
  log_topic_id   = opentelekomcloud_lts_stream_v2.runs.id
  log_topic_name = opentelekomcloud_lts_stream_v2.runs.stream_name

  lifecycle {
    precondition {
      condition     = var.discover || length(var.job_ids) > 0
      error_message = "Give the function work: set job_ids, or discover = true."
    }
    precondition {
      # The ledger choice is ledger_url or no_ledger (variables.tf); a URL in the maps would bypass
      # it, and in settings it would be shown in the console.
      condition     = !contains(concat(keys(var.settings), keys(var.secret_settings)), "DRS_LEDGER_URL")
      error_message = "Set the ledger with ledger_url, not as DRS_LEDGER_URL in settings or secret_settings."
    }
    precondition {
      condition     = (var.vpc_id == null) == (var.subnet_id == null)
      error_message = "Set vpc_id and subnet_id together, or neither."
    }
    precondition {
      # FunctionGraph's limit for all user data of a function together.
      condition     = length(jsonencode(local.user_data)) + length(jsonencode(local.secrets)) <= 4096
      error_message = "The settings exceed FunctionGraph's 4,096 characters of user data: use discover = true instead of a long job_ids list."
    }
  }
}

resource "opentelekomcloud_fgs_trigger_v2" "every_15_minutes" {
  function_urn = opentelekomcloud_fgs_function_v2.drs_auto_retry.urn
  type         = "TIMER"
  event_data = jsonencode({
    name          = replace("${var.name}_timer", "-", "_")
    schedule_type = "Cron"
    schedule      = var.schedule
    # The run's payload (README "Event payload"); the settings above already say what to do.
    user_event = "{}"
  })
}

output "function_urn" {
  description = "URN of the function, for `Test` in the console or the FunctionGraph API."
  value       = opentelekomcloud_fgs_function_v2.drs_auto_retry.urn
}

output "log_group" {
  description = "LTS log group and stream that hold each run's log lines and report."
  value       = "${opentelekomcloud_lts_group_v2.logs.group_name} / ${opentelekomcloud_lts_stream_v2.runs.stream_name}"
}
