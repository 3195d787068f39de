# The Django side of tests/manage_fixtures.c: the same tables and columns.
from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)

    class Meta:
        app_label = 'catalog'


class Tag(models.Model):
    name = models.CharField(max_length=30)

    class Meta:
        app_label = 'catalog'


class Product(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True)
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.IntegerField(default=0)
    available = models.BooleanField(default=True)
    weight = models.FloatField(null=True)
    created = models.DateTimeField()
    released = models.DateField(null=True)
    opens = models.TimeField(null=True)
    took = models.DurationField(null=True)
    data = models.JSONField(null=True)
    uid = models.UUIDField(null=True)
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, related_name='products')

    class Meta:
        app_label = 'catalog'
