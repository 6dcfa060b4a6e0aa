output "function_urls" {
  description = "URL of each deployed function."
  value       = { for name, fn in google_cloudfunctions2_function.fn : name => fn.service_config[0].uri }
}

output "buckets" {
  description = "Bucket names by role."
  value       = local.buckets
}

output "function_service_accounts" {
  description = "Runtime service account of each function."
  value       = { for name, sa in google_service_account.fn : name => sa.email }
}
