from django.core.management.base import BaseCommand

from cases.models import Synonym
from cases.vocabulary import SYNONYMS_FILE, load_synonyms


class Command(BaseCommand):
    help = "Bring the reviewed related-term groups (fixtures/search/synonyms.txt) into the admin's table."

    def handle(self, *args, **options):
        created, unchanged = load_synonyms(Synonym)
        self.stdout.write(f"load_synonyms: created {created}, unchanged {unchanged} from {SYNONYMS_FILE.name}")
