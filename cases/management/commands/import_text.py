from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.ingest.decode import MAX_BYTES, BadInput
from cases.ingest.formats import read_document
from cases.ingest.pipeline import parse_document
from cases.load import LoadReport, gazetteer, load_document, load_regions


class Command(BaseCommand):
    help = (
        "Import one document an editor brings (text, .docx, .pdf with a text layer, or a saved .html page); "
        "its cases are saved as drafts for review."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--title", default="")
        parser.add_argument("--publisher", default="")

    def handle(self, file: Path, title: str, publisher: str, **options):
        try:
            if not file.is_file():
                raise BadInput(f"找不到文件：{file}")
            with file.open("rb") as handle:  # never more than the limit in memory, whatever the file's size
                extracted = read_document(file.name, handle.read(MAX_BYTES + 1))
        except BadInput as error:
            raise CommandError(f"import_text: {file.name}: {error}") from None
        load_regions()
        doc = parse_document(extracted.text, file.name, gazetteer())
        if not doc.cases:
            raise CommandError(f"import_text: {file.name}: 没有找到任何案例文本")
        doc.title = title or extracted.title or doc.title
        doc.publisher = publisher or doc.publisher
        report = LoadReport()
        # What an editor brings is reviewed before it is published.
        source = load_document(doc, report, publish=False)
        self.stdout.write(f"import_text: {file.name} ({extracted.format}): {report}; source {source.pk}")
