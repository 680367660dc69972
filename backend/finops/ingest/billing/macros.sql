-- FOCUS ServiceCategory for an AWS product code (and product family, which splits EC2 into
-- compute, storage and networking charges).
CREATE OR REPLACE MACRO service_category(product_code, product_family) AS CASE
    WHEN product_family IN ('Storage', 'Storage Snapshot', 'System Operation',
                            'Provisioned Throughput') THEN 'Storage'
    WHEN product_family IN ('Data Transfer', 'NAT Gateway', 'IP Address', 'Load Balancer',
                            'Load Balancer-Application', 'Load Balancer-Network')
        THEN 'Networking'
    WHEN product_code IN ('AmazonEC2', 'AWSLambda', 'AmazonECS', 'AmazonEKS', 'AWSFargate',
                          'AmazonLightsail', 'AWSBatch') THEN 'Compute'
    WHEN product_code IN ('AmazonRDS', 'AmazonDynamoDB', 'AmazonElastiCache', 'AmazonRedshift',
                          'AmazonDocDB', 'AmazonNeptune') THEN 'Databases'
    WHEN product_code IN ('AmazonS3', 'AmazonEFS', 'AmazonFSx', 'AmazonGlacier', 'AWSBackup')
        THEN 'Storage'
    WHEN product_code IN ('AWSELB', 'AmazonVPC', 'AmazonCloudFront', 'AmazonRoute53',
                          'AWSDataTransfer', 'AWSDirectConnect', 'AWSGlobalAccelerator')
        THEN 'Networking'
    WHEN product_code IN ('AmazonCloudWatch', 'AWSConfig', 'AWSCloudTrail', 'AWSCostExplorer')
        THEN 'Management and Governance'
    WHEN product_code IN ('AWSKMS', 'AWSSecretsManager', 'awswaf', 'AmazonGuardDuty')
        THEN 'Security'
    WHEN product_code IN ('AmazonSNS', 'AmazonSQS', 'AmazonKinesis', 'AWSEvents')
        THEN 'Integration'
    WHEN product_code IN ('AmazonAthena', 'AWSGlue', 'AmazonEMR', 'AmazonQuickSight')
        THEN 'Analytics'
    WHEN product_code IN ('AmazonSageMaker', 'AmazonBedrock') THEN 'AI and Machine Learning'
    ELSE 'Other'
END;
