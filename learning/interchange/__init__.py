"""Question-bank interchange formats (Moodle XML, GIFT, Aiken) over one neutral representation.

Parsers never touch the database: they turn a file into ``ParsedFile`` (categories and questions, with the line
or position each came from and every problem found), and writers turn questions back into text. The services
decide what is written.
"""
