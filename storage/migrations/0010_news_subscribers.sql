-- A subscriber's own choices beside their topics and areas: their quiet hours (NULL: the
-- partnership's, 'off': none, or 'HH:MM-HH:MM' in local time) and the "near me" circle they
-- pinned (the areas it meets are kept as subscriptions; the circle itself serves alerts
-- aimed at a point and radius).
ALTER TABLE subscribers ADD COLUMN quiet_hours TEXT;
ALTER TABLE subscribers ADD COLUMN near_latitude REAL;
ALTER TABLE subscribers ADD COLUMN near_longitude REAL;
ALTER TABLE subscribers ADD COLUMN near_radius_m INTEGER CHECK (near_radius_m > 0);
