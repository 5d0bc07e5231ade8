"""Reading the files people import: rows with the line they start on, undecodable bytes as bad rows."""
