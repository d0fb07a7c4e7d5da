"""Pulls from survey servers (KoboToolbox, ODK Central): pages of submissions written as export
files and loaded through the one stage sequence, with a cursor per source in the warehouse."""
