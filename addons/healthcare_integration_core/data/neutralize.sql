-- A neutralized copy must not run scheduled syncs against partners.
UPDATE ir_cron
   SET active = false
 WHERE id IN (SELECT cron_id FROM hc_flow WHERE cron_id IS NOT NULL);

-- nor accept production's scrape token for its metrics
DELETE FROM ir_config_parameter
 WHERE key = 'healthcare_integration_core.metrics_token_digest';
