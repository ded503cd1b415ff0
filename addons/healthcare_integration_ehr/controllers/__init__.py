from . import fhir
