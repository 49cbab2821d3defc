from django.contrib import admin

from aftersales.assist.models import CaseAssessment, PlaybookRule, TrainingExample


@admin.register(PlaybookRule)
class PlaybookRuleAdmin(admin.ModelAdmin):
    list_display = ("key", "problem_type", "shop", "offers", "text_zh", "position", "is_active")
    list_filter = ("problem_type", "is_active")


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
    list_display = ("organisation", "problem_type", "predicted_type", "created_at")
    list_filter = ("problem_type",)


@admin.register(CaseAssessment)
class CaseAssessmentAdmin(admin.ModelAdmin):
    list_display = ("case", "problem_type", "confidence", "urgent", "set_type", "assessed_at")
