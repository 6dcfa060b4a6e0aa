output "api_url" {
  description = "Public address of the API (load balancer with Cloud Armor); clients call <api_url>/<function>/…."
  value       = "https://${local.api_host}"
}

output "api_address" {
  description = "IP address to point the api host's DNS A record at."
  value       = google_compute_address.api.address
}

output "api_certificate_dns_record" {
  description = "DNS record that proves the api host to Certificate Manager (create it once)."
  value       = google_certificate_manager_dns_authorization.api.dns_resource_record
}

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

output "clamd_address" {
  description = "Private host:port of the malware scanner (internal load balancer); the scanning functions read it as SESAME_CLAMD_ADDRESS."
  value       = local.clamd_address
}
