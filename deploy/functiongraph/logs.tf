# Where the function's stdout goes: each run's JSON log lines, its report included.

resource "opentelekomcloud_lts_group_v2" "logs" {
  group_name  = "${var.name}-logs"
  ttl_in_days = var.log_ttl_days
}

resource "opentelekomcloud_lts_stream_v2" "runs" {
  group_id    = opentelekomcloud_lts_group_v2.logs.id
  stream_name = "${var.name}-runs"
}
