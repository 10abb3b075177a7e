# Every variable the module reads. Required: domain_name, project_name, job_ids or discover, and
# the ledger choice: ledger_url, or no_ledger = true.

variable "region" {
  description = "Open Telekom Cloud region of the project and its DRS tasks (eu-de, eu-nl)."
  type        = string
  default     = "eu-de"
}

variable "domain_name" {
  description = "Account (domain) name, e.g. OTC-EU-DE-000000000010000XXXXX."
  type        = string
}

variable "project_name" {
  description = "Project that holds the DRS tasks and the function, e.g. eu-de or eu-de_myproject. The agency's permissions are granted in this project only."
  type        = string
}

variable "name" {
  description = "Name of the function; the agency, policy, log group and stream are named after it."
  type        = string
  default     = "drs-auto-retry"
}

variable "zip_path" {
  description = "The package that `npm run package:functiongraph` writes."
  type        = string
  default     = "../../dist/functiongraph.zip"
}

variable "memory_size" {
  description = "Memory of the function in MB. The tool needs little; 256 leaves room for large job lists."
  type        = number
  default     = 256
}

variable "timeout_seconds" {
  description = "Timeout of one run (30 to 900 s). The run's time budget is this less 10 s, so the report is always logged and returned."
  type        = number
  default     = 300
  validation {
    condition     = var.timeout_seconds >= 30 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be from 30 (a 20 s budget) to 900 (FunctionGraph's limit)."
  }
}

variable "schedule" {
  description = "When the timer runs the function: a FunctionGraph cron expression (seconds minutes hours day-of-month month [day-of-week])."
  type        = string
  default     = "0 */15 * * * *"
}

variable "job_ids" {
  description = "DRS task ids to watch (DRS_JOB_IDS). Leave empty with discover = true to find the project's failed tasks."
  type        = list(string)
  default     = []
}

variable "discover" {
  description = "Also list the project's tasks and retry the failed ones (DRS_DISCOVER)."
  type        = bool
  default     = false
}

variable "settings" {
  description = "More plain settings of README \"Configuration\", e.g. { DRS_MAX_ATTEMPTS = \"3\", NOTIFY_ON = \"changes\" }. Never put a secret here: plain user data is shown in the console."
  type        = map(string)
  default     = {}
}

variable "ledger_url" {
  description = "postgres://user:password@host:5432/database of the retry ledger (DRS_LEDGER_URL; README \"Retry ledger on PostgreSQL\"), stored as encrypted user data. The ledger keeps each task's retry budget and the run lease between runs. Set this, or no_ledger = true: a plan with neither fails."
  type        = string
  default     = null
  sensitive   = true
  validation {
    # An empty string would deploy a function that silently runs without a ledger.
    condition     = var.ledger_url == null || can(regex("^postgres(ql)?://", var.ledger_url))
    error_message = "ledger_url must be a postgres:// or postgresql:// URL (README \"Retry ledger on PostgreSQL\"). To run without a ledger, leave it unset and set no_ledger = true."
  }
}

variable "no_ledger" {
  description = "true runs without a retry ledger, deliberately: every run then starts with a fresh retry budget, so a task that fails again after each retry is retried every run, forever, and never escalated; and two runs are not kept from overlapping by a lease. Only for trying the tool out."
  type        = bool
  default     = false
  validation {
    # Needs Terraform 1.9 (a validation that reads another variable): versions.tf.
    condition     = var.no_ledger != (var.ledger_url != null)
    error_message = "Choose the retry ledger: set ledger_url (postgres://…, best as TF_VAR_ledger_url; README \"Retry ledger on PostgreSQL\"), or set no_ledger = true to run without one, knowing that without a ledger every run starts with a fresh retry budget, so a task that keeps failing is retried every run and never escalated. Not both."
  }
}

variable "secret_settings" {
  description = "Settings that are secrets, stored as encrypted user data: NOTIFY_WEBHOOK_URL, NOTIFY_WEBHOOK_SECRET, NOTIFY_SLACK_WEBHOOK_URL, NOTIFY_TEAMS_WEBHOOK_URL, HTTPS_PROXY (a proxy URL may hold its password), and, only for a function that must not use its agency, OS_PASSWORD, OS_SECRET_KEY, OS_SECURITY_TOKEN or OS_AUTH_TOKEN."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "smn_topic_urn" {
  description = "URN of an SMN topic that receives the reports (NOTIFY_SMN_TOPIC_URN); null = no SMN sink. Only then does the agency get smn:topic:publish."
  type        = string
  default     = null
}

variable "log_ttl_days" {
  description = "How long LTS keeps the run logs (the reports), in days."
  type        = number
  default     = 30
}

variable "vpc_id" {
  description = "VPC to connect the function to, when the PostgreSQL ledger (RDS) is only reachable inside it; null = no VPC. The VPC then needs a NAT gateway (SNAT) for the public DRS and IAM endpoints."
  type        = string
  default     = null
}

variable "subnet_id" {
  description = "Subnet (network id) of vpc_id that the function joins; required with vpc_id."
  type        = string
  default     = null
}

variable "drs_permissions" {
  description = "How the agency gets its DRS permissions: \"custom\" (a custom policy with drs:migrationJob:list, get and action only) or \"system\" (the system policy DRS FullWithOutDeletePermission, for accounts where IAM refuses the custom policy, or to confirm that a 403 on the retry is the unconfirmed action; SECURITY.md)."
  type        = string
  default     = "custom"
  validation {
    condition     = contains(["custom", "system"], var.drs_permissions)
    error_message = "drs_permissions must be \"custom\" or \"system\"."
  }
}

variable "drs_dependency_policies" {
  description = "System policies that DRS's permission table (Table 3) says the tool's calls depend on, granted to the agency in project_name: RDS ReadOnlyAccess for \"Querying task details\" and the retry when a task's database is RDS, VPC FullAccess for \"Performing operations on tasks\" (the retry). Remove one only after a real run has shown it is not needed (SECURITY.md)."
  type        = list(string)
  default     = ["RDS ReadOnlyAccess", "VPC FullAccess"]
}
