-- Staff e-mail addresses, for deadline reminders.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
