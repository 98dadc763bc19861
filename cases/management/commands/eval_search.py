from django.core.management.base import BaseCommand

from cases import search_eval


class Command(BaseCommand):
    help = "Score search on our relevance set (nDCG@10, zero-result rate by class); needs the seeded library."

    def add_arguments(self, parser):
        parser.add_argument("--details", action="store_true", help="one line per query with its first results")

    def handle(self, *args, details=False, **options):
        scored = search_eval.run(search_eval.load())
        if details:
            self.stdout.write(search_eval.details(scored))
        self.stdout.write(search_eval.table(scored))
