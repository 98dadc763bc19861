import csv
import json

from django.core.management.base import BaseCommand

from cases.export import FIELDS, case_rows, filtered_cases


class Command(BaseCommand):
    help = "Export cases as JSON or CSV on standard output."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--include-drafts", action="store_true")
        parser.add_argument("--province", default="", help="省份名称或代码，如 四川 / 510000")
        parser.add_argument("--theme", default="", help="主题中文名或 slug")
        parser.add_argument("--q", default="", help="关键词")

    def handle(self, *args, **opts):
        queryset = filtered_cases(opts["include_drafts"], opts["province"], opts["theme"], opts["q"])
        # The command's JSON keeps exactly the documented keys.
        rows = ({k: row[k] for k in FIELDS} for row in case_rows(queryset.order_by("source_id", "ordinal")))
        if opts["format"] == "json":
            self.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=2))
            return
        writer = csv.DictWriter(self.stdout._out, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
