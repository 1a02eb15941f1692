-- Undo V20251231_300100: analytics.mark_changed_messages as V20251230_300000 defined it.
CREATE OR REPLACE FUNCTION analytics.mark_changed_messages()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
AS $$
BEGIN
  IF (SELECT count(*) FROM changed_rows) > 200 THEN
    INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
    SELECT c.organisation_id, c.id
      FROM outreach.campaigns c
     WHERE c.organisation_id IN (SELECT DISTINCT n.organisation_id FROM changed_rows n)
       AND EXISTS (SELECT FROM iam.organisations o WHERE o.id = c.organisation_id);
    RETURN NULL;
  END IF;
  INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
  SELECT DISTINCT c.organisation_id, c.campaign_id
    FROM (SELECT k.organisation_id,
                 (SELECT t.campaign_id FROM outreach.tasks t
                   WHERE t.organisation_id = k.organisation_id AND t.id = k.task_id) AS campaign_id
            FROM (SELECT DISTINCT n.organisation_id,
                         coalesce(n.task_id,
                                  (SELECT a.task_id FROM outreach.messages a
                                    WHERE a.organisation_id = n.organisation_id
                                      AND a.id = n.replied_to_message_id)) AS task_id
                    FROM changed_rows n
                   WHERE n.status IN ('sent', 'bounced', 'received')) k
           WHERE k.task_id IS NOT NULL
          OFFSET 0) c
   WHERE c.campaign_id IS NOT NULL
     AND EXISTS (SELECT FROM iam.organisations o WHERE o.id = c.organisation_id);
  RETURN NULL;
END;
$$;
