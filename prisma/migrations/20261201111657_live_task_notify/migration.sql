-- The change feed for tasks (docs/architecture.md, "Change feed"): every write of a task row
-- (its log, progress, status, from whichever runner or replica) announces the task's id on
-- ac_live_task, and a new task or a change of status or progress announces ac_live_tasks for the
-- lists. A trigger, so no writer can forget it; NOTIFY is delivered only when the write commits.
CREATE FUNCTION ac_live_task_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ac_live_task', NEW.id::text);
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status OR NEW.progress IS DISTINCT FROM OLD.progress THEN
    PERFORM pg_notify('ac_live_tasks', '');
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER tasks_live_notify AFTER INSERT OR UPDATE ON tasks
  FOR EACH ROW EXECUTE FUNCTION ac_live_task_notify();
